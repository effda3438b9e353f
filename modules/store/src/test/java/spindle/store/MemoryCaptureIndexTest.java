package spindle.store;

import spindle.core.url.UrlNormalizer;

class MemoryCaptureIndexTest extends CaptureIndexContract {
  @Override
  CaptureIndex create() {
    return new MemoryFrontier(FrontierLimits.NONE, UrlNormalizer::fingerprint).captures().orElseThrow();
  }
}
