package spindle.fetch.address;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server that only counts the connections it accepts and closes them: where a test sends any connection
 * that the address policy should have refused, to see that none came.
 */
public final class TrapServer implements AutoCloseable {
  private final ServerSocket socket;
  private final AtomicInteger connections = new AtomicInteger();

  private TrapServer(ServerSocket socket) {
    this.socket = socket;
    Thread acceptor = new Thread(this::accept, "trap-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A trap on 127.0.0.1 and a free port. */
  public static TrapServer start() {
    try {
      return new TrapServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException failed) {
      throw new UncheckedIOException(failed);
    }
  }

  /** The trap's address. */
  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  /** The trap's port. */
  public int port() {
    return socket.getLocalPort();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try (Socket accepted = socket.accept()) {
        connections.incrementAndGet();
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a listening socket has nothing left to report
    }
  }
}
