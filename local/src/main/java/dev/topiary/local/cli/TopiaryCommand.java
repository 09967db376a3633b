package dev.topiary.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.local.LocalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./topiary <command>}: the client commands, the local stack and the demo. */
@Command(name = "topiary", mixinStandardHelpOptions = true, description = "Prune CNNs as a service: submit and watch jobs, run the local stack.",
    subcommands = {TopiaryCommand.Submit.class, TopiaryCommand.Status.class, TopiaryCommand.Watch.class, TopiaryCommand.Report.class,
        TopiaryCommand.Download.class, TopiaryCommand.Cancel.class, UploadCommand.class, LocalCommand.class, StackCommand.class, dev.topiary.local.chaos.ChaosCommand.class,
        DemoCommand.class})
public final class TopiaryCommand {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with its error handling: refusals print one line and exit 2. */
  public static CommandLine commandLine() {
    return new CommandLine(new TopiaryCommand()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("topiary: " + e.getMessage());
      return 2;
    });
  }

  @Command(name = "submit", mixinStandardHelpOptions = true, description = "Submits a job spec (YAML or JSON) and prints the job id.")
  static final class Submit implements Callable<Integer> {
    @Mixin Connection connection;
    @Parameters(paramLabel = "SPEC", description = "The job spec file (.yaml, .yml or .json).") Path spec;
    @Option(names = "--watch", description = "Then follow its progress until it ends.") boolean watch;
    @Mixin Reconnect reconnect;

    @Override
    public Integer call() throws IOException {
      GatewayClient gateway = connection.client();
      String name = spec.getFileName().toString().toLowerCase(Locale.ROOT);
      JsonNode answer = gateway.submit(Files.readString(spec), !name.endsWith(".json"));
      String id = answer.path("jobId").asText();
      System.out.println(id);
      System.err.printf("submitted %s: %d steps; follow it with ./topiary watch %s%n", spec, answer.path("plan").path("steps").size(), id);
      return watch ? Watch.follow(gateway, id, reconnect.patience()) : 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "A job's state and figures, or the list of jobs.")
  static final class Status implements Callable<Integer> {
    @Mixin Connection connection;
    @Parameters(arity = "0..1", paramLabel = "ID") String id;
    @Option(names = "--state", description = "List only jobs in this state.") String state;

    @Override
    public Integer call() {
      GatewayClient gateway = connection.client();
      if (id == null) {
        JsonNode page = gateway.jobs(state, 0, 50);
        System.out.printf("%-28s %-24s %-10s %s%n", "ID", "NAME", "STATE", "STEPS");
        for (JsonNode j : page.path("items")) {
          System.out.printf("%-28s %-24s %-10s %d/%d%n", j.path("id").asText(), j.path("name").asText(), j.path("state").asText(),
              j.path("stepsDone").asInt(), j.path("totalSteps").asInt());
        }
        return 0;
      }
      JsonNode job = gateway.job(id);
      System.out.printf("%s (%s): %s, %d of %d steps done%n", job.path("id").asText(), job.path("name").asText(), job.path("state").asText(),
          job.path("stepsDone").asInt(), job.path("totalSteps").asInt());
      for (JsonNode s : job.path("timeline")) {
        String took = s.hasNonNull("durationMs") ? String.format(Locale.ROOT, "%.1f s", s.path("durationMs").asLong() / 1000.0) : "";
        System.out.printf("  %2d %-9s %-18s %s%n", s.path("index").asInt(), s.path("stage").asText(), s.path("kind").asText(), took);
      }
      if (job.hasNonNull("failure")) {
        System.out.println("failed: " + job.path("failure").path("message").asText());
      }
      return 0;
    }
  }

  /** How long {@code --watch} and {@code watch} wait for a gateway that went away (a restart) before giving up. */
  static final class Reconnect {
    @Option(names = "--reconnect-for", paramLabel = "SECONDS", defaultValue = "" + EventFollower.DEFAULT_PATIENCE_SECONDS,
        description = "While following: how long to keep reconnecting to a gateway that went away (default ${DEFAULT-VALUE}).")
    long seconds;

    Duration patience() {
      if (seconds < 0) {
        throw new IllegalArgumentException("--reconnect-for: expected seconds >= 0, got " + seconds);
      }
      return Duration.ofSeconds(seconds);
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true, description = "Follows a job's progress live until it ends; "
      + "reconnects when the gateway restarts.")
  static final class Watch implements Callable<Integer> {
    @Mixin Connection connection;
    @Mixin Reconnect reconnect;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() {
      return follow(connection.client(), id, reconnect.patience());
    }

    /** As {@link #follow(GatewayClient, String, Duration)}, waiting {@link EventFollower#DEFAULT_PATIENCE} for a gateway that went away. */
    static int follow(GatewayClient gateway, String id) {
      return follow(gateway, id, EventFollower.DEFAULT_PATIENCE);
    }

    /**
     * Shows the job's events until it ends, each once, reconnecting for up to {@code patience}
     * when the gateway goes away; 0 when it completed, 1 when it failed or was cancelled.
     */
    static int follow(GatewayClient gateway, String id, Duration patience) {
      ProgressView view = new ProgressView(System.out, System.console() != null, gateway.job(id).path("timeline"));
      EventFollower.withPatience(gateway, patience, view::notice).follow(id, e -> view.show(e.type(), e.json()));
      String state = gateway.job(id).path("state").asText();
      return "completed".equals(state) ? 0 : 1;
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true, description = "A job's before/after table; --html saves the page with charts.")
  static final class Report implements Callable<Integer> {
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--html", description = "Save the HTML report here.") Path html;

    @Override
    public Integer call() throws IOException {
      GatewayClient gateway = connection.client();
      System.out.print(ReportTable.of(gateway.report(id)));
      if (html != null) {
        Files.write(html, gateway.reportHtml(id));
        System.err.println("saved " + html);
      }
      System.err.println("report: " + gateway.url() + "/api/v1/jobs/" + id + "/report");
      return 0;
    }
  }

  @Command(name = "download", mixinStandardHelpOptions = true,
      description = "Downloads the pruned model, or the model of one step: a zip of graph.json and weights.safetensors, or one ONNX file.")
  static final class Download implements Callable<Integer> {
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--format", defaultValue = "zip", description = "zip (graph.json and weights.safetensors) or onnx (default ${DEFAULT-VALUE}).")
    String format;
    @Option(names = "--fold-bn", description = "ONNX only: fold BatchNorm into the convolutions first.") boolean foldBn;
    @Option(names = "--step", paramLabel = "N", description = "The model step N ended with (0: the submitted model; `topiary status ID` "
        + "lists the steps); default the pruned model of the completed job.") Integer step;
    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Where to write it (default <id>-model.<format>, or <id>-step<N>.<format>).")
    Path out;

    @Override
    public Integer call() throws IOException {
      String f = format.toLowerCase(Locale.ROOT);
      if (!f.equals("zip") && !f.equals("onnx")) {
        throw new IllegalArgumentException("--format: expected zip or onnx, got '" + format + "'");
      }
      if (foldBn && f.equals("zip")) {
        throw new IllegalArgumentException("--fold-bn: applies to --format onnx only");
      }
      Path target = out != null ? out : Path.of(id + (step == null ? "-model." : "-step" + step + ".") + f);
      Files.write(target, connection.client().model(id, step, f, foldBn));
      System.out.println(target);
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a job: no further step starts, a running fine-tune stops after its epoch.")
  static final class Cancel implements Callable<Integer> {
    @Mixin Connection connection;
    @Parameters(paramLabel = "ID") String id;
    @Option(names = "--reason", defaultValue = "cancelled from the command line") String reason;

    @Override
    public Integer call() {
      connection.client().cancel(id, reason);
      System.out.println("cancelled " + id);
      return 0;
    }
  }
}
