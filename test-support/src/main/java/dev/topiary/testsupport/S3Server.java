package dev.topiary.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 server (S3Proxy) running inside the test JVM on a free localhost port. It accepts only
 * requests signed with AWS signature V4 by its access and secret key, so a wrong key fails as it
 * would against MinIO or AWS. Objects live in memory by default, or under a data folder
 * ({@link Builder#optDataDir}; object metadata is then kept in user extended attributes, which the
 * file system must support). About 0.5 s to start.
 *
 * <p>Lifecycle: {@link Builder#start()} starts it; {@link #stop()} takes it off the network, keeping
 * its objects, and {@link #restart()} serves them again on the same port (for retry tests);
 * {@link #close()} stops it for good and drops its objects.
 */
public final class S3Server implements S3Service {
  private static final String HOST = "127.0.0.1";

  static {
    // S3Proxy and its Jetty log each start and stop at INFO (ten lines); under slf4j-simple keep them
    // to warnings unless the test run sets the level itself.
    if (System.getProperty("org.slf4j.simpleLogger.log.org.gaul") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.gaul", "warn");
    }
  }

  private final BlobStore blobStore;
  private final String accessKey;
  private final String secretKey;
  private S3Proxy proxy;
  private int port;
  private boolean closed;

  private S3Server(BlobStore blobStore, String accessKey, String secretKey) {
    this.blobStore = blobStore;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** An in-memory server with a fresh random secret key. */
  public static S3Server start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String endpoint() {
    return "http://" + HOST + ":" + port;
  }

  @Override
  public String accessKey() {
    return accessKey;
  }

  @Override
  public String secretKey() {
    return secretKey;
  }

  public synchronized boolean isRunning() {
    return proxy != null;
  }

  /** Stops serving (connections are refused) but keeps the objects and the port number. */
  public synchronized void stop() {
    if (proxy == null) {
      return;
    }
    try {
      proxy.stop();
    } catch (Exception e) { // S3Proxy.stop() declares Exception
      throw new IllegalStateException("cannot stop S3Proxy at " + endpoint(), e);
    } finally {
      proxy = null;
    }
  }

  /** Serves the same objects again on the same port after {@link #stop()}. */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("S3Server at " + endpoint() + " is closed");
    }
    if (proxy == null) {
      listen(port);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      blobStore.close();
    }
  }

  @Override
  public String toString() {
    return "S3Server[" + endpoint() + (isRunning() ? "" : ", stopped") + "]";
  }

  private void listen(int requestedPort) {
    S3Proxy next = S3Proxy.builder()
        .blobStore(blobStore)
        .endpoint(URI.create("http://" + HOST + ":" + requestedPort))
        .awsAuthentication(AuthenticationType.AWS_V4, accessKey, secretKey)
        // a test's requests are over when it stops the server: no graceful drain of idle connections
        .stopTimeout(0)
        .build();
    try {
      next.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"STARTED".equals(next.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start within 10 s (state " + next.getState() + ")");
        }
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting S3Proxy", e);
    } catch (Exception e) { // S3Proxy.start() declares Exception
      throw new IllegalStateException("cannot start S3Proxy on " + HOST + ":" + requestedPort, e);
    }
    proxy = next;
    port = next.getPort();
  }

  /** Options of an {@link S3Server}; every one has a default. */
  public static final class Builder {
    private Path dataDir;
    private String accessKey = "topiary-test";
    private String secretKey = "secret-" + UUID.randomUUID();

    private Builder() {}

    /** Keep objects as files under this existing folder instead of in memory. */
    public Builder optDataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    public Builder optAccessKey(String accessKey) {
      this.accessKey = accessKey;
      return this;
    }

    public Builder optSecretKey(String secretKey) {
      this.secretKey = secretKey;
      return this;
    }

    private void validate() {
      if (accessKey == null || accessKey.isBlank()) {
        throw new IllegalArgumentException("accessKey must not be blank");
      }
      if (secretKey == null || secretKey.length() < 8) {
        throw new IllegalArgumentException("secretKey must have at least 8 characters");
      }
      if (dataDir != null && !Files.isDirectory(dataDir)) {
        throw new IllegalArgumentException("dataDir " + dataDir + " is not an existing folder");
      }
    }

    /** Starts the server on a free port and returns once it accepts requests. */
    public S3Server start() {
      validate();
      BlobStore store;
      try {
        store = dataDir == null ? new TransientNio2BlobStore()
            : new FilesystemNio2BlobStore(dataDir.toRealPath().toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open S3 data folder " + dataDir, e);
      }
      S3Server server = new S3Server(store, accessKey, secretKey);
      server.listen(0);
      return server;
    }
  }
}
