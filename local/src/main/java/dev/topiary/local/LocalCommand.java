package dev.topiary.local;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./topiary local}: starts the local stack, prints where everything is, and runs until
 * interrupted (Ctrl-C or SIGTERM), when it stops every service and then the servers. Services run
 * as children that also end on their own if this process is killed outright. It supervises them: a
 * service that ends unasked is started again with backoff, and the restart is printed here, logged
 * in {@code logs/supervisor.log} and shown in {@code stack.json} ({@code ./topiary stack}).
 */
@Command(name = "local", mixinStandardHelpOptions = true,
    description = "Starts Kafka, an S3 server, the gateway and the four stage services on this machine; Ctrl-C stops them all.")
public final class LocalCommand implements Callable<Integer> {
  @Option(names = "--root", defaultValue = ".", description = "The repository root, where the built services are (default: .).")
  Path root;

  @Option(names = "--run-dir", description = "Logs, stored objects, work folders and stack.json (default: <root>/.run/local).")
  Path runDir;

  @Option(names = "--free-ports", description = "Run the services on free ports instead of 8080-8084.")
  boolean freePorts;

  @Option(names = "--no-gateway", description = "Run the four stage services only.")
  boolean noGateway;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LocalCommand()).execute(args));
  }

  @Override
  public Integer call() throws InterruptedException {
    Path repo = root.toAbsolutePath().normalize();
    Path run = (runDir != null ? runDir : repo.resolve(".run/local")).toAbsolutePath();
    List<ServiceSpec> services = noGateway ? ServiceSpec.STAGES : ServiceSpec.ALL;
    System.out.println("starting the local stack in " + run + " ...");
    LocalStack stack = LocalStack.builder().setRoot(repo).setRunDir(run).optServices(services).optFreePorts(freePorts)
        .optSupervise(System.out).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("stopping the local stack ...");
      stack.close();
      stopped.countDown();
    }, "local-stack-stop"));
    System.out.printf("%-18s %s%n", "kafka", stack.bootstrapServers());
    System.out.printf("%-18s %s (bucket %s; credentials in %s)%n", "s3", stack.s3Endpoint(), LocalStack.BUCKET,
        run.resolve(LocalStack.STACK_FILE));
    for (ServiceProcess p : stack.services()) {
      System.out.printf("%-18s %s  (log %s)%n", p.spec().name(), p.url(), p.log());
    }
    System.out.println("ready. Ctrl-C stops everything; ./topiary stack shows each service's health and restarts.");
    stopped.await();
    return 0;
  }
}
