package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * YOLOv5 v6's training loss ({@code utils/loss.py} {@code ComputeLoss}, v6.2 = v7.0) on DJL
 * arrays, so that autograd flows from the total back into the raw head maps.
 *
 * <p>Per level: targets are assigned on the host ({@link TargetAssignment}); the assigned cells'
 * predictions are gathered from the map by flat index; {@code xy = 2 sigmoid - 0.5}, {@code wh =
 * (2 sigmoid)^2 * anchor} in grid units; the box loss is {@code mean(1 - CIoU)} against the
 * target box ({@link CompleteIou}); the class loss is BCE with logits against one-hot targets over
 * the assigned rows (only with more than one class, as YOLOv5); the objectness loss is BCE with
 * logits over the whole map against the CIoU of the assigned cells (detached, clamped at 0; YOLOv5's
 * {@code gr = 1}), times the level's balance [4.0, 1.0, 0.4]. The sums over levels are scaled by
 * the gains, and the total is {@code (box + obj + cls) * batch}, YOLOv5's return value. Where
 * several assigned rows name the same cell and anchor, the last row's CIoU is the objectness
 * target, as YOLOv5's {@code tobj[b, a, gj, gi] = iou} leaves it on the CPU; resolving that on the
 * host keeps the device write free of duplicates, so it is deterministic on a GPU too. Nothing is
 * copied back to the host during a call: {@link Parts#values()} is the caller's choice.
 *
 * <p>Gains: the builder takes YOLOv5's {@code hyp.scratch-low.yaml} values (box 0.05, obj 1.0, cls
 * 0.5, anchor_t 4.0) and {@link #builder()}'s {@code build()} applies train.py's scaling: box
 * {@code *= 3 / nl}, cls {@code *= nc / 80 * 3 / nl}, obj {@code *= (H * W / 640^2) * 3 / nl}
 * (YOLOv5's {@code (imgsz / 640)^2} for a square input). cls_pw = obj_pw = 1, no focal loss, no
 * label smoothing: those options are not offered.
 *
 * <p>Immutable and thread-safe; every array of one call lives in a sub-manager of the caller's
 * manager that is closed before returning, except the returned {@link Parts}.
 */
public final class YoloLoss {
  private final DetectHead head;
  private final Anchors anchors;
  private final float box;
  private final float obj;
  private final float cls;
  private final float anchorThreshold;
  private final float[] balance;

  private YoloLoss(Builder b) {
    this.head = b.head;
    this.anchors = b.anchors;
    int nl = head.levels();
    this.box = (float) (b.box * 3.0 / nl);
    this.cls = (float) (b.cls * head.numClasses() / 80.0 * 3.0 / nl);
    double area = (double) head.inputHeight() * head.inputWidth() / (640.0 * 640.0);
    this.obj = (float) (b.obj * area * 3.0 / nl);
    this.anchorThreshold = b.anchorThreshold;
    this.balance = b.balance != null ? b.balance.clone() : defaultBalance(nl);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The loss parts, YOLOv5's {@code (lbox + lobj + lcls) * bs} and {@code loss_items}.
   *
   * @param total the scalar to call backward on
   * @param box the box loss after its gain, detached scalar
   * @param obj the objectness loss after its gain, detached scalar
   * @param cls the class loss after its gain, detached scalar (0 with one class)
   */
  public record Parts(NDArray total, NDArray box, NDArray obj, NDArray cls) {
    /** {box, obj, cls} on the host (one copy from the device each). */
    public float[] values() {
      return new float[] {box.getFloat(), obj.getFloat(), cls.getFloat()};
    }
  }

  /** The gains after train.py's scaling: {box, obj, cls}. */
  public float[] gains() {
    return new float[] {box, obj, cls};
  }

  /** The per-level objectness balance. */
  public float[] balance() {
    return balance.clone();
  }

  /**
   * The loss of one batch.
   *
   * @param manager where the returned parts live; temporaries live in a sub-manager closed here
   * @param maps the head's outputs in training mode, {@code [B, na * (5 + nc), H, W]} per level
   * @param targets rows {@code (image, class, cx, cy, w, h)}, see {@link TargetAssignment}
   * @throws IllegalArgumentException when the maps do not match the head, or a target row is
   *     malformed (naming the row)
   */
  public Parts compute(NDManager manager, NDList maps, float[] targets) {
    int batch = checkMaps(maps);
    int[] gh = new int[head.levels()];
    int[] gw = new int[head.levels()];
    for (int l = 0; l < head.levels(); l++) {
      gh[l] = head.gridHeight(l);
      gw[l] = head.gridWidth(l);
    }
    TargetAssignment assigned = TargetAssignment.assign(targets, batch, head.numClasses(), anchors, gh, gw,
        anchorThreshold);
    try (NDManager sub = manager.newSubManager(maps.get(0).getDevice())) {
      NDArray lbox = sub.zeros(new Shape());
      NDArray lobj = sub.zeros(new Shape());
      NDArray lcls = sub.zeros(new Shape());
      for (int l = 0; l < head.levels(); l++) {
        NDArray[] parts = level(sub, maps.get(l), assigned.level(l), batch, l);
        lbox = parts[0] == null ? lbox : lbox.add(parts[0]);
        lobj = lobj.add(parts[1].mul(balance[l]));
        lcls = parts[2] == null ? lcls : lcls.add(parts[2]);
      }
      lbox = lbox.mul(box);
      lobj = lobj.mul(obj);
      lcls = lcls.mul(cls);
      NDArray total = lbox.add(lobj).add(lcls).mul(batch);
      Parts parts = new Parts(total, lbox.stopGradient(), lobj.stopGradient(), lcls.stopGradient());
      for (NDArray a : new NDArray[] {parts.total(), parts.box(), parts.obj(), parts.cls()}) {
        a.attach(manager);
      }
      return parts;
    }
  }

  /** One level's box, objectness (before balance) and class losses; box and class null without targets. */
  private NDArray[] level(NDManager sub, NDArray map, TargetAssignment.Level t, int batch, int l) {
    int h = head.gridHeight(l);
    int w = head.gridWidth(l);
    int no = head.valuesPerAnchor();
    NDArray tobj = sub.zeros(new Shape((long) batch * head.anchorsPerLevel() * h * w));
    NDArray lbox = null;
    NDArray lcls = null;
    if (t.count() > 0) {
      NDArray ps = map.take(sub, sub.create(gatherIndex(t, h, w), new Shape(t.count(), no)));
      NDArray pxy = ps.get(":, 0:2").getNDArrayInternal().sigmoid().mul(2).sub(0.5);
      NDArray pwh = ps.get(":, 2:4").getNDArrayInternal().sigmoid().mul(2).square()
          .mul(sub.create(t.anchorWh(), new Shape(t.count(), 2)));
      NDArray iou = CompleteIou.of(pxy.concat(pwh, 1), sub.create(t.box(), new Shape(t.count(), 4)));
      lbox = iou.neg().add(1).mean();
      int[] last = lastWriteRows(t, h, w);
      long[] lastRows = Arrays.stream(last).asLongStream().toArray();
      NDArray score = iou.stopGradient().clip(0f, Float.MAX_VALUE).take(sub, sub.create(lastRows));
      tobj = tobj.put(sub.create(cellIndex(t, last, h, w)), score);
      if (head.numClasses() > 1) {
        NDArray pcls = ps.get(":, 5:");
        lcls = bceWithLogits(pcls, sub.create(oneHot(t), pcls.getShape()));
      }
    }
    NDArray pobj = map.get(sub, new NDIndex(":, {}::{}", 4, no)).reshape(-1);
    return new NDArray[] {lbox, bceWithLogits(pobj, tobj), lcls};
  }

  /** torch's {@code binary_cross_entropy_with_logits}, mean: {@code (1 - t) x + max(-x, 0) + log(1 + e^-|x|)}. */
  static NDArray bceWithLogits(NDArray x, NDArray t) {
    NDArray oneMinusT = t.neg().add(1);
    NDArray softplusNegAbs = x.abs().neg().getNDArrayInternal().softPlus();
    return oneMinusT.mul(x).add(x.neg().maximum(0f)).add(softplusNegAbs).mean();
  }

  private int checkMaps(NDList maps) {
    if (maps.size() != head.levels()) {
      throw new IllegalArgumentException("maps: " + maps.size() + " arrays for a head of " + head.levels() + " levels");
    }
    long batch = maps.get(0).getShape().get(0);
    for (int l = 0; l < head.levels(); l++) {
      Shape want = new Shape(batch, (long) head.anchorsPerLevel() * head.valuesPerAnchor(), head.gridHeight(l),
          head.gridWidth(l));
      if (!maps.get(l).getShape().equals(want)) {
        throw new IllegalArgumentException("maps: level " + l + " has shape " + maps.get(l).getShape() + ", expected " + want);
      }
    }
    return Math.toIntExact(batch);
  }

  /** Flat indices into {@code [B, na * no, H, W]} of every value of each assigned row: {@code [n, no]}. */
  private long[] gatherIndex(TargetAssignment.Level t, int h, int w) {
    int no = head.valuesPerAnchor();
    int na = head.anchorsPerLevel();
    long[] idx = new long[t.count() * no];
    for (int r = 0; r < t.count(); r++) {
      long cell = (long) t.gridY()[r] * w + t.gridX()[r];
      long base = ((long) t.image()[r] * na + t.anchor()[r]) * no;
      for (int k = 0; k < no; k++) {
        idx[r * no + k] = (base + k) * h * w + cell;
      }
    }
    return idx;
  }

  /** Rows whose objectness write survives: of rows naming the same cell and anchor, the last, as index_put on the CPU. */
  private int[] lastWriteRows(TargetAssignment.Level t, int h, int w) {
    long[] cells = cellIndex(t, null, h, w);
    Map<Long, Integer> last = new LinkedHashMap<>();
    for (int r = 0; r < cells.length; r++) {
      last.remove(cells[r]);
      last.put(cells[r], r);
    }
    return last.values().stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** Flat indices into {@code [B, na, H, W]} of the given rows (all rows when null). */
  private long[] cellIndex(TargetAssignment.Level t, int[] rows, int h, int w) {
    int n = rows == null ? t.count() : rows.length;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      int r = rows == null ? i : rows[i];
      out[i] = (((long) t.image()[r] * head.anchorsPerLevel() + t.anchor()[r]) * h + t.gridY()[r]) * w + t.gridX()[r];
    }
    return out;
  }

  private float[] oneHot(TargetAssignment.Level t) {
    int nc = head.numClasses();
    float[] out = new float[t.count() * nc];
    for (int r = 0; r < t.count(); r++) {
      out[r * nc + t.cls()[r]] = 1f;
    }
    return out;
  }

  private static float[] defaultBalance(int levels) {
    return levels == 3 ? new float[] {4.0f, 1.0f, 0.4f} : Arrays.copyOf(new float[] {4.0f, 1.0f, 0.25f, 0.06f, 0.02f}, levels);
  }

  /**
   * Builds a {@link YoloLoss}. {@code setHead} and {@code setAnchors} are required; the gains
   * default to YOLOv5's {@code hyp.scratch-low.yaml} before train.py's scaling.
   */
  public static final class Builder {
    private DetectHead head;
    private Anchors anchors;
    private double box = 0.05;
    private double obj = 1.0;
    private double cls = 0.5;
    private float anchorThreshold = 4.0f;
    private float[] balance;

    private Builder() {}

    public Builder setHead(DetectHead head) {
      this.head = head;
      return this;
    }

    public Builder setAnchors(Anchors anchors) {
      this.anchors = anchors;
      return this;
    }

    public Builder optBoxGain(double box) {
      this.box = box;
      return this;
    }

    public Builder optObjGain(double obj) {
      this.obj = obj;
      return this;
    }

    public Builder optClsGain(double cls) {
      this.cls = cls;
      return this;
    }

    public Builder optAnchorThreshold(float anchorThreshold) {
      this.anchorThreshold = anchorThreshold;
      return this;
    }

    /** The per-level objectness weights; default [4.0, 1.0, 0.4] for 3 levels (YOLOv5's P3-P7 list otherwise). */
    public Builder optBalance(float... balance) {
      this.balance = balance.clone();
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the field: head or anchors missing, anchors not
     *     fitting the head, a negative gain, an anchor threshold not above 1, a balance of the
     *     wrong length
     */
    public void validate() {
      if (head == null) {
        throw new IllegalArgumentException("head is required");
      }
      if (anchors == null) {
        throw new IllegalArgumentException("anchors is required");
      }
      head.checkAnchors(anchors);
      if (!(box >= 0) || !(obj >= 0) || !(cls >= 0)) {
        throw new IllegalArgumentException("gains: box, obj and cls must be at least 0, got " + box + ", " + obj + ", " + cls);
      }
      if (!(anchorThreshold > 1)) {
        throw new IllegalArgumentException("anchorThreshold: must be above 1, got " + anchorThreshold);
      }
      if (balance == null && head.levels() > 5) {
        throw new IllegalArgumentException("balance: required for a head of " + head.levels() + " levels");
      }
      if (balance != null && balance.length != head.levels()) {
        throw new IllegalArgumentException("balance: " + balance.length + " values for " + head.levels() + " levels");
      }
    }

    public YoloLoss build() {
      validate();
      return new YoloLoss(this);
    }
  }
}
