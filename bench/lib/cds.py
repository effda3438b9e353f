"""What ./spindle starts a crawl from, for the harness's Spindle runs: on Java 17 to 24 an AppCDS archive, on Java 25
and later an ahead-of-time cache (classes and method profiles), named after the JVM's version, made again when
older than the dist's jars. The launcher's comment and bench/README.md (`--no-cds`; "Latest results") say why."""

import os
import re
import subprocess

QUIET = ["-Xlog:cds*=off", "-Xlog:cds+dynamic*=off"]


def java_version(java="java"):
    """The version string of `java -version` ("17.0.15", "25.0.3"), or None."""
    try:
        text = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "([^"]+)"', text)
    return match.group(1) if match else None


class Archive:
    """The archive or cache for one dist and JVM: its file, the options that record it and those that use it."""

    def __init__(self, dist, version):
        feature = re.match(r"\d+", version or "")
        self.ahead_of_time = bool(feature) and int(feature.group()) >= 25
        suffix = "aot" if self.ahead_of_time else "jsa"
        self.dist = dist
        self.path = os.path.join(dist, f"spindle-{version}.{suffix}")
        quiet = (["-Xlog:aot*=off"] if self.ahead_of_time else []) + QUIET
        self.record = [("-XX:AOTCacheOutput=" if self.ahead_of_time else "-XX:ArchiveClassesAtExit=") + self.path,
                       *quiet]
        self.use = [("-XX:AOTCache=" if self.ahead_of_time else "-XX:SharedArchiveFile=") + self.path, *quiet]
        self.kind = "an ahead-of-time cache" if self.ahead_of_time else "a class-data sharing archive"

    def usable(self):
        """True when the file is there and no jar of the dist is newer (the JVM would refuse it)."""
        if not os.path.exists(self.path):
            return False
        made = os.path.getmtime(self.path)
        lib = os.path.join(self.dist, "lib")
        jars = [os.path.join(self.dist, f) for f in os.listdir(self.dist) if f.endswith(".jar")] + \
            [os.path.join(lib, f) for f in os.listdir(lib)]
        return all(os.path.getmtime(jar) <= made for jar in jars)

    def remove_stale(self):
        """Deletes every archive and cache of the dist (older ones, other JVMs'), as ./spindle does before recording."""
        for name in os.listdir(self.dist):
            if re.fullmatch(r"spindle.*\.(jsa|aot)", name):
                try:
                    os.remove(os.path.join(self.dist, name))
                except OSError:
                    pass
