package dev.topiary.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples each stage's consumer-group lag (records on the step topics not yet committed by the
 * group) every {@code interval} on its own thread, and writes the series as CSV and as an SVG line
 * chart (one line per stage).
 */
final class LagSampler implements AutoCloseable {
  private final Admin admin;
  private final Duration interval;
  private final Map<String, String> groups = LoadBench.groups();
  private final List<double[]> rows = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running;
  private long start;

  LagSampler(String bootstrapServers, Duration interval) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.admin = Admin.create(p);
    this.interval = interval;
    this.thread = new Thread(this::loop, "lag-sampler");
    thread.setDaemon(true);
  }

  void start() {
    start = System.nanoTime();
    running = true;
    thread.start();
  }

  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
  }

  private void loop() {
    while (running) {
      try {
        double[] row = sample();
        synchronized (rows) {
          rows.add(row);
        }
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        return;
      } catch (ExecutionException | TimeoutException e) {
        // the broker was busy: skip this sample
      }
    }
  }

  private double[] sample() throws InterruptedException, ExecutionException, TimeoutException {
    List<TopicPartition> partitions = new ArrayList<>();
    admin.describeTopics(LoadBench.stepTopics()).allTopicNames().get(10, TimeUnit.SECONDS)
        .forEach((t, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, Long> end = new HashMap<>();
    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
    double[] row = new double[groups.size() + 1];
    row[0] = (System.nanoTime() - start) / 1e9;
    int i = 1;
    for (String group : groups.values()) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      long lag = 0;
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        lag += Math.max(0, end.getOrDefault(tp, 0L) - (c == null ? 0 : c.offset()));
      }
      row[i++] = lag;
    }
    return row;
  }

  void write(Path csv, Path svg) throws IOException {
    List<double[]> copy;
    synchronized (rows) {
      copy = new ArrayList<>(rows);
    }
    StringBuilder text = new StringBuilder("seconds," + String.join(",", groups.keySet()) + "\n");
    for (double[] r : copy) {
      text.append(String.format(Locale.ROOT, "%.1f", r[0]));
      for (int i = 1; i < r.length; i++) {
        text.append(',').append((long) r[i]);
      }
      text.append('\n');
    }
    Files.createDirectories(csv.getParent());
    Files.writeString(csv, text);
    Files.writeString(svg, svg(copy));
  }

  private String svg(List<double[]> data) {
    int w = 720;
    int h = 300;
    int left = 50;
    int bottom = 30;
    double maxT = data.stream().mapToDouble(r -> r[0]).max().orElse(1);
    double maxLag = Math.max(1, data.stream().flatMapToDouble(r -> java.util.Arrays.stream(r, 1, r.length)).max().orElse(1));
    String[] colours = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", w, h));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", left, h - bottom, w - 10, h - bottom));
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", left, left, h - bottom));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0</text><text x=\"5\" y=\"18\">%.0f</text>%n", left - 12, h - bottom, maxLag));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.0f s</text><text x=\"5\" y=\"%d\">lag</text>%n", w - 60, h - 8, maxT,
        h / 2));
    int k = 0;
    for (String name : new LinkedHashMap<>(groups).keySet()) {
      StringBuilder points = new StringBuilder();
      for (double[] r : data) {
        double x = left + (w - 10 - left) * r[0] / maxT;
        double y = (h - bottom) - (h - bottom - 10) * r[k + 1] / maxLag;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
          colours[k % colours.length], points.toString().trim()));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - 140, 20 + 14 * k,
          colours[k % colours.length], name));
      k++;
    }
    return s.append("</svg>\n").toString();
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    admin.close(Duration.ofSeconds(5));
  }
}
