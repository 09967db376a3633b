package dev.topiary.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.testsupport.KafkaBroker;
import dev.topiary.testsupport.KafkaService;
import dev.topiary.testsupport.S3Server;
import dev.topiary.testsupport.S3Service;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The whole stack on one machine with no Docker: Apache Kafka's KRaft broker and S3Proxy (objects
 * as files under {@code <runDir>/s3}) in this JVM, every event topic created with {@link
 * Topics#PARTITIONS} partitions, and each service as a child process ({@link ServiceProcess}) wired
 * to both by system properties, with its log, work folder and cache under the run folder. S3
 * credentials and the API token are generated per start and written, with every endpoint, to {@code
 * <runDir>/stack.json} (owner-only); the children get the secrets through their environment (the
 * gateway only the token's digest), never on their command line. {@link #close} stops the services, then the servers.
 * Given servers ({@link Builder#optServers}, e.g. Testcontainers' Kafka and MinIO) are used instead
 * and left running.
 */
public final class LocalStack implements AutoCloseable {
  public static final String BUCKET = "topiary";
  public static final String STACK_FILE = "stack.json";
  /** The tenant the local stack's gateway knows; its token is generated per start. */
  public static final String TENANT = "local";

  private final Path runDir;
  private final KafkaService broker;
  private final S3Service s3;
  private final boolean ownsServers;
  private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
  private Supervisor supervisor;
  /** Tenant to its bearer token, {@value #TENANT} first; generated per start. */
  private final Map<String, String> tokens = new LinkedHashMap<>();

  private LocalStack(Builder b, KafkaService broker, S3Service s3, boolean ownsServers) {
    this.runDir = b.runDir;
    this.broker = broker;
    this.s3 = s3;
    this.ownsServers = ownsServers;
    tokens.put(TENANT, newToken());
    b.tenants.forEach(t -> tokens.put(t, newToken()));
  }

  private static String newToken() {
    return HexFormat.of().formatHex(new SecureRandom().generateSeed(20));
  }

  public static Builder builder() {
    return new Builder();
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public String s3Endpoint() {
    return s3.endpoint();
  }

  public Path runDir() {
    return runDir;
  }

  /** The bearer token of tenant {@value #TENANT} at the gateway. */
  public String token() {
    return tokens.get(TENANT);
  }

  /** The bearer token of a tenant given to {@link Builder#optTenants}, or of {@value #TENANT}. */
  public String token(String tenant) {
    String t = tokens.get(tenant);
    if (t == null) {
      throw new IllegalArgumentException("tenant '" + tenant + "' is not one of this stack's: " + tokens.keySet());
    }
    return t;
  }

  /** A running service by name, e.g. {@code finetune-service}. */
  public ServiceProcess service(String name) {
    ServiceProcess p = services.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no service '" + name + "' in this stack; it runs " + services.keySet());
    }
    return p;
  }

  public List<ServiceProcess> services() {
    return List.copyOf(services.values());
  }

  /**
   * Takes the in-JVM Kafka broker down, as an outage would; {@link #restartBroker} brings it back on
   * the same port and log directory. Only for a stack that started its own servers.
   */
  public void stopBroker() {
    ownBroker().stop();
  }

  public void restartBroker() {
    ownBroker().restart();
  }

  /** Makes the in-JVM S3 server unreachable, keeping its objects; {@link #restartStore} serves them again. */
  public void stopStore() {
    ownStore().stop();
  }

  public void restartStore() {
    ownStore().restart();
  }

  private KafkaBroker ownBroker() {
    if (!(broker instanceof KafkaBroker b)) {
      throw new IllegalStateException("this stack runs on a given broker (" + broker + "); outages need its own");
    }
    return b;
  }

  private S3Server ownStore() {
    if (!(s3 instanceof S3Server server)) {
      throw new IllegalStateException("this stack runs on a given store (" + s3 + "); outages need its own");
    }
    return server;
  }

  /** A client of the stack's store (the caller closes it). */
  public ArtifactStore store() {
    return ArtifactStore.builder().setEndpoint(s3.endpoint()).setAccessKey(s3.accessKey()).setSecretKey(s3.secretKey())
        .setBucket(BUCKET).build();
  }

  @Override
  public void close() {
    if (supervisor != null) {
      supervisor.close(); // first: a deliberate stop is not a crash
    }
    List<Thread> stopping = new ArrayList<>();
    for (ServiceProcess p : services.values()) {
      Thread t = new Thread(p::stop, "stop-" + p.spec().name());
      t.start();
      stopping.add(t);
    }
    for (Thread t : stopping) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsServers) {
      s3.close();
      broker.close();
    }
  }

  private void launch(Builder b) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MALLOC_ARENA_MAX", "1");
    env.put("MALLOC_MMAP_THRESHOLD_", "4294967296");
    env.put("MALLOC_TRIM_THRESHOLD_", "17179869184");
    env.put("MALLOC_TOP_PAD_", "268435456");
    for (ServiceSpec spec : b.services) {
      ServiceSpec placed = spec.withPort(b.freePorts ? freePort() : requireFree(spec));
      Map<String, String> props = new LinkedHashMap<>();
      props.put("ai.djl.offline", "true");
      props.put("kafka.bootstrap.servers", broker.bootstrapServers());
      props.put("topiary.s3.endpoint", s3.endpoint());
      props.put("topiary.s3.bucket", BUCKET);
      props.put("topiary.s3.cache-dir", runDir.resolve("cache").resolve(spec.name()).toString());
      props.put("topiary.stage.work-dir", runDir.resolve("work").resolve(spec.name()).toString());
      props.put("topiary.parent-pid", Long.toString(ProcessHandle.current().pid()));
      // Secrets go through the environment, which only the owner can read (/proc/<pid>/environ),
      // never the command line, which every local user sees in ps.
      Map<String, String> secrets = new LinkedHashMap<>(env);
      secrets.put("TOPIARY_S3_ACCESS_KEY", s3.accessKey());
      secrets.put("TOPIARY_S3_SECRET_KEY", s3.secretKey());
      if (spec.module().equals(ServiceSpec.GATEWAY.module())) {
        tokens.forEach((tenant, t) -> secrets.put("TOPIARY_GATEWAY_TENANTS_" + tenant.toUpperCase(java.util.Locale.ROOT), digest(t)));
        props.put("topiary.gateway.allow-local-datasets", "true");
      }
      props.putAll(b.properties);
      ServiceProcess p = new ServiceProcess(placed, spec.requireJar(b.root), runDir.resolve("logs"), props, secrets, b.jvmOptions);
      services.put(spec.name(), p);
      p.start();
    }
    for (ServiceProcess p : services.values()) {
      p.awaitReady(b.readyTimeout);
    }
    writeStackFile();
    if (b.supervisorOut != null) {
      supervisor = new Supervisor(List.copyOf(services.values()), runDir.resolve("logs"), b.supervisorOut, this::writeStackFile,
          java.time.Clock.systemUTC());
      supervisor.start();
    }
  }

  /** The gateway's configuration entry for a token: its digest, so the gateway never holds it. */
  private static String digest(String token) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JVM", e);
    }
  }

  /** Writes {@code stack.json} whole, owner-only, replacing the old one at once (clients read it at any moment). */
  private synchronized void writeStackFile() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("kafka", broker.bootstrapServers());
    doc.put("s3", Map.of("endpoint", s3.endpoint(), "bucket", BUCKET, "accessKey", s3.accessKey(), "secretKey", s3.secretKey()));
    Map<String, Object> svc = new LinkedHashMap<>();
    for (ServiceProcess p : services.values()) {
      Supervisor.Status st = supervisor != null ? supervisor.status(p.spec().name()) : Supervisor.Status.FRESH;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("url", p.url());
      entry.put("log", p.log().toString());
      entry.put("pid", p.isAlive() ? p.pid() : -1);
      entry.put("state", st.state(p));
      entry.put("supervised", supervisor != null);
      entry.put("restarts", st.restarts());
      if (st.lastExit() != null) {
        entry.put("lastExit", Map.of("status", st.lastExit(), "at", st.lastExitAt().toString()));
      }
      svc.put(p.spec().name(), entry);
    }
    doc.put("services", svc);
    services.values().stream().filter(p -> p.spec().module().equals(ServiceSpec.GATEWAY.module())).findFirst()
        .ifPresent(g -> doc.put("gateway", Map.of("url", g.url(), "tenant", TENANT, "token", token())));
    doc.put("launcherPid", ProcessHandle.current().pid());
    Path file = runDir.resolve(STACK_FILE);
    try {
      Path aside = Files.createTempFile(runDir, STACK_FILE, ".part",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(aside, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(doc));
      Files.move(aside, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static int requireFree(ServiceSpec spec) {
    try (ServerSocket socket = new ServerSocket(spec.port(), 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("port " + spec.port() + " (" + spec.name() + ") is in use: is a stack already running?", e);
    }
  }

  /** Runs {@code start} with standard output silenced: Kafka's storage formatter prints to it. */
  private static <T> T quietly(Supplier<T> start) {
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return start.get();
    } finally {
      System.setOut(out);
    }
  }

  /** Required: the repository root (where the built apps are) and a run folder. */
  public static final class Builder {
    private Path root;
    private Path runDir;
    private List<ServiceSpec> services = ServiceSpec.STAGES;
    private boolean freePorts;
    private Duration readyTimeout = Duration.ofMinutes(2);
    private final Map<String, String> properties = new LinkedHashMap<>();
    private List<String> jvmOptions = List.of("-Xmx2g", "-XX:+ExitOnOutOfMemoryError");
    private KafkaService kafka;
    private S3Service s3;
    private PrintStream supervisorOut;
    private final List<String> tenants = new ArrayList<>();

    private Builder() {}

    /** More tenants at the gateway besides {@value #TENANT}, each with a token of its own (lower-case letters and digits). */
    public Builder optTenants(List<String> more) {
      for (String t : more) {
        if (!t.matches("[a-z][a-z0-9]{0,30}") || t.equals(TENANT)) {
          throw new IllegalArgumentException("tenants: '" + t + "' must be lower-case letters and digits, and not '" + TENANT + "'");
        }
        tenants.add(t);
      }
      return this;
    }

    /**
     * Supervise the services: restart one that ends unasked, with backoff, saying so on {@code out}
     * and in {@code logs/supervisor.log}, and keep {@code stack.json} current (default: off; a test
     * that restarts a service itself leaves it off).
     */
    public Builder optSupervise(PrintStream out) {
      this.supervisorOut = out;
      return this;
    }

    public Builder setRoot(Path root) {
      this.root = root;
      return this;
    }

    public Builder setRunDir(Path runDir) {
      this.runDir = runDir;
      return this;
    }

    /** The services to run, in start order (default: the four stage services). */
    public Builder optServices(List<ServiceSpec> services) {
      this.services = List.copyOf(services);
      return this;
    }

    /** Run every service on a free port instead of its own (tests beside a running stack). */
    public Builder optFreePorts(boolean freePorts) {
      this.freePorts = freePorts;
      return this;
    }

    /** A system property every service gets, e.g. {@code topiary.stage.latency-runs}. */
    public Builder optProperty(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /** Run against these servers (topics and bucket are created if missing) instead of starting in-JVM ones. */
    public Builder optServers(KafkaService kafka, S3Service s3) {
      this.kafka = kafka;
      this.s3 = s3;
      return this;
    }

    public Builder optJvmOptions(List<String> options) {
      this.jvmOptions = List.copyOf(options);
      return this;
    }

    public Builder optReadyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    public void validate() {
      if (root == null || !Files.isDirectory(root)) {
        throw new IllegalArgumentException("root: the repository folder is required, got " + root);
      }
      if (runDir == null) {
        throw new IllegalArgumentException("runDir: required");
      }
      if ((kafka == null) != (s3 == null)) {
        throw new IllegalArgumentException("servers: give both Kafka and S3, or neither");
      }
      if (services.isEmpty()) {
        throw new IllegalArgumentException("services: at least one");
      }
      services.forEach(s -> s.requireJar(root));
      if (readyTimeout == null || readyTimeout.isNegative() || readyTimeout.isZero()) {
        throw new IllegalArgumentException("readyTimeout: must be positive, got " + readyTimeout);
      }
    }

    /** Starts the servers and every service; returns once all are ready, or stops what it started and throws. */
    public LocalStack start() {
      validate();
      try {
        Files.createDirectories(runDir.resolve("s3"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + runDir, e);
      }
      boolean own = kafka == null;
      KafkaService broker = own ? quietly(KafkaBroker::start) : kafka;
      S3Service store = own ? S3Server.builder().optDataDir(runDir.resolve("s3")).optAccessKey("topiary")
          .optSecretKey(HexFormat.of().formatHex(new SecureRandom().generateSeed(16))).start() : s3;
      Topics.all().forEach(t -> broker.createTopic(t, Topics.PARTITIONS));
      store.createBucket(BUCKET);
      LocalStack stack = new LocalStack(this, broker, store, own);
      try {
        stack.launch(this);
        return stack;
      } catch (RuntimeException e) {
        stack.close();
        throw e;
      }
    }
  }
}
