package dev.topiary.gateway.upload;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.IdxReader;
import dev.topiary.engine.data.ImageDataset;
import dev.topiary.engine.data.Split;
import dev.topiary.gateway.GatewayConfig;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.pipeline.job.DatasetSpec;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Accepts a dataset upload: the files of a dataset folder as the stages read it (IDX files with
 * the MNIST names, CIFAR binary batches), or one zip of that folder (the only way for an
 * ImageFolder's trees). IDX and CIFAR folders are opened with the engine's reader for their kind,
 * both splits; an image folder, which may hold more photos than memory, is checked entry by entry
 * as the zip unpacks ({@link ImageFolderCheck}: layout, every image decodes, every class has
 * images). Nothing is stored under {@code uploads/<tenant>/datasets/<id>/} until every check has
 * passed. The answer's {@code uri} is what a spec's {@code dataset.uri} cites. Kinds {@code yolo}
 * and {@code coco} (detection datasets) are one zip of a YOLOv5 folder or of a COCO folder
 * ({@code annotations/instances_{train,val}.json}, {@code images/{train,val}/}), opened whole by
 * the engine's reader after unpacking ({@link DetectionUploadCheck}); {@code testSamples} is then
 * the {@code val} split's size.
 */
@ApplicationScoped
public class DatasetUploads {
  public static final String FILE_PART = "file";
  public static final String KIND_PART = "kind";

  /** An uploaded file: the name the client gave and where Quarkus spooled it. */
  public record Part(String fileName, Path file) {}

  /** What the upload answers. */
  public record StoredDataset(String id, String kind, String uri, int trainSamples, int testSamples, int numClasses,
      List<int[]> shape, List<String> classNames, List<ArtifactRef> files) {}

  /** What the checks found before storing. */
  private record Found(int trainSamples, int testSamples, int numClasses, List<int[]> shape, List<String> classNames) {}

  @Inject
  ArtifactStore store;

  @Inject
  GatewayConfig config;

  /** The detection layouts an upload may take: a zip of a YOLOv5 or of a COCO dataset folder. */
  public static final List<String> DETECTION = List.of(DatasetSpec.YOLO, DatasetSpec.COCO);

  public StoredDataset accept(String tenant, String kindName, List<Part> parts) {
    boolean detection = DETECTION.contains(kindName);
    DatasetCatalog.Kind kind = detection ? null : kind(kindName);
    if (parts == null || parts.isEmpty()) {
      throw ApiException.badRequest(FILE_PART, "required: one or more parts named '" + FILE_PART + "' (dataset files, or one zip)");
    }
    long total = 0;
    for (Part p : parts) {
      long size = size(p.file());
      if (size == 0) {
        throw ApiException.badRequest(FILE_PART, "'" + p.fileName() + "' is empty (0 bytes)");
      }
      total += size;
    }
    if (total > config.maxDatasetBytes()) {
      throw ApiException.tooLarge(FILE_PART, total, config.maxDatasetBytes());
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("topiary-dataset");
      Path root = dir;
      Found found;
      if (detection) {
        DetectionUploadCheck.Summary s = unpackDetection(kindName, parts, dir);
        root = s.root();
        found = new Found(s.trainSamples(), s.valSamples(), s.classNames().size(), s.shapes(), s.classNames());
      } else {
        found = kind == DatasetCatalog.Kind.IMAGE_FOLDER ? unpackImageFolder(parts, dir) : readWhole(kind, parts, dir);
      }
      String id = UploadIds.next('d');
      String prefix = Keys.upload(tenant, "datasets", id);
      List<ArtifactRef> stored = storeAll(root, prefix);
      // no trailing '/': the stages' StageContext normalises "x/" to "x//" (replaceAll("/*$", "/"))
      String uri = "s3://" + store.bucket() + "/" + prefix.substring(0, prefix.length() - 1);
      return new StoredDataset(id, detection ? kindName : kind.id(), uri, found.trainSamples(), found.testSamples(), found.numClasses(),
          found.shape(), found.classNames(), stored);
    } catch (IOException e) {
      throw new UncheckedIOException("spooling the dataset upload", e);
    } finally {
      TempDirs.deleteTree(dir);
    }
  }

  private Found readWhole(DatasetCatalog.Kind kind, List<Part> parts, Path dir) throws IOException {
    for (Part p : parts) {
      place(p, dir);
    }
    ImageDataset train = open(kind, dir, Split.TRAIN);
    ImageDataset test = open(kind, dir, Split.TEST);
    return new Found(train.size(), test.size(), train.numClasses(), List.of(new int[] {train.channels(), train.height(), train.width()}),
        train.classNames());
  }

  private Found unpackImageFolder(List<Part> parts, Path dir) throws IOException {
    if (parts.size() != 1 || !String.valueOf(parts.get(0).fileName()).endsWith(".zip")) {
      throw ApiException.badRequest(FILE_PART, "an image-folder dataset is uploaded as one zip of its folders, got "
          + parts.stream().map(Part::fileName).toList());
    }
    Part zip = parts.get(0);
    checkName(zip.fileName());
    ImageFolderCheck check = new ImageFolderCheck(zip.fileName());
    new ZipExtractor(config.maxDatasetBytes(), config.maxDatasetFiles()).extract(zip.file(), zip.fileName(), dir, check);
    ImageFolderCheck.Summary s = check.finish();
    return new Found(s.trainSamples(), s.testSamples(), s.classNames().size(), s.shapes(), s.classNames());
  }

  /** A yolo or coco dataset: one zip, unpacked with the usual bounds, then opened by the engine's reader. */
  private DetectionUploadCheck.Summary unpackDetection(String format, List<Part> parts, Path dir) throws IOException {
    if (parts.size() != 1 || !String.valueOf(parts.get(0).fileName()).endsWith(".zip")) {
      throw ApiException.badRequest(FILE_PART, "a " + format + " dataset is uploaded as one zip of its folder ("
          + (DatasetSpec.COCO.equals(format) ? "annotations/, images/" : "data.yaml, images/, labels/") + "), got "
          + parts.stream().map(Part::fileName).toList());
    }
    Part zip = parts.get(0);
    checkName(zip.fileName());
    new ZipExtractor(config.maxDatasetBytes(), config.maxDatasetFiles()).extract(zip.file(), zip.fileName(), dir, ZipExtractor.Listener.NONE);
    return DetectionUploadCheck.check(format, dir, zip.fileName());
  }

  private static DatasetCatalog.Kind kind(String name) {
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest(KIND_PART, "required: one of " + kinds());
    }
    try {
      return DatasetCatalog.Kind.of(name);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(KIND_PART, "unknown dataset kind '" + name + "', expected one of " + kinds());
    }
  }

  private static List<String> kinds() {
    return Stream.concat(Stream.of(DatasetCatalog.Kind.values()).map(DatasetCatalog.Kind::id), DETECTION.stream()).toList();
  }

  private static void checkName(String name) {
    if (name == null || name.isBlank()) {
      throw ApiException.badRequest(FILE_PART, "each file part needs a file name");
    }
    if (!SafeNames.isSegment(name)) {
      throw ApiException.badRequest(FILE_PART, "'" + name + "' is not a plain file name: letters, digits, '.', '_' and '-', "
          + "no path separators or '..'");
    }
  }

  private void place(Part p, Path dir) throws IOException {
    String name = p.fileName();
    checkName(name);
    if (name.endsWith(".zip")) {
      new ZipExtractor(config.maxDatasetBytes(), config.maxDatasetFiles()).extract(p.file(), name, dir, ZipExtractor.Listener.NONE);
      return;
    }
    try {
      Files.copy(p.file(), dir.resolve(name));
    } catch (FileAlreadyExistsException e) {
      throw ApiException.badRequest(FILE_PART, "'" + name + "' was sent twice");
    }
  }

  /** Opens one split with the kind's reader; refusals name the file relative to the upload. */
  private static ImageDataset open(DatasetCatalog.Kind kind, Path dir, Split split) {
    try {
      if (kind == DatasetCatalog.Kind.IDX) {
        // the catalog passes no class names for plain IDX; any byte label is a class here
        return IdxReader.readDirectory(dir, split, IntStream.range(0, 256).mapToObj(String::valueOf).toList());
      }
      return DatasetCatalog.open(kind, dir, split);
    } catch (TopiaryException | IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage()).replace(dir + "/", "").replace(dir.toString(), "the upload");
      throw ApiException.badRequest(FILE_PART, "not a " + kind.id() + " dataset (" + split.name().toLowerCase() + " split): " + m);
    }
  }

  private List<ArtifactRef> storeAll(Path dir, String prefix) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    List<ArtifactRef> out = new ArrayList<>();
    try {
      for (Path f : files) {
        out.add(store.put(prefix + dir.relativize(f).toString().replace('\\', '/'), f));
      }
    } catch (RuntimeException e) {
      store.delete(prefix);
      throw e;
    }
    return out;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
