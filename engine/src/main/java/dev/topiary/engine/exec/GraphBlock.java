package dev.topiary.engine.exec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One DJL block that executes any {@link Graph} with the PyTorch engine, for training and
 * inference. Nodes run in {@link Graph#nodes()} order, each through the kernel of its op type.
 *
 * <p>Parameters: one DJL {@link Parameter} per entry of {@link Graph#paramShapes()}, named {@link
 * ParamKey#tensorName()} ({@code conv1.weight}, {@code bn1.running_mean}); BN running statistics
 * do not require gradients and are updated in place by training forward passes, as in PyTorch.
 * Initialisation follows PyTorch's defaults, drawn from the block's seed ({@link
 * TorchDefaultInitializer}). {@link #parameterArrays()} and {@link #setParameter} are what weight
 * import and export loop over; parameter arrays are only ever written in place, so a {@link
 * ParameterStore} or optimizer holding them stays valid.
 *
 * <p>Lifecycle: construct, {@link #initialize(NDManager)} (or DJL's {@code initialize}, or let a
 * trainer do it), then forward. The graph is fixed for the life of the block: pruning builds a new
 * graph and a new block. When the calling thread does not record gradients (see {@link GradMode}),
 * a forward pass closes each intermediate array right after its last reader; otherwise they stay
 * attached to the input's manager for backward.
 */
public final class GraphBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Graph graph;
  private final long seed;
  private final ExecutionPlan plan;
  private final Map<ParamKey, Parameter> byKey = new LinkedHashMap<>();
  private final List<Map<ParamRole, Parameter>> nodeParams;
  /** Whether some convolution reads more than one channel, so that a memory order is to choose. */
  private final boolean choosesOrder;
  /**
   * Whether some convolution reading more than one channel has a partial oneDNN channel block (in
   * or out channels not a multiple of {@link CpuConvRoutes#CHANNEL_BLOCK}). Such a conv never runs
   * NCHW ({@link CpuConvRoutes#tailFree}), and a graph mixing NCHW and NHWC convs this way trained
   * to NaN (a ResNet-20 pruned by L1 with counts as they fall, NCHW preferred or chosen by {@code
   * auto}, 2026-12-07; the same in NHWC trained normally), so every pass of such a graph prefers
   * NHWC, whatever the setting.
   */
  private final boolean partialBlocks;
  private final Map<OrderKey, ConvOrderChoice> orders = new java.util.concurrent.ConcurrentHashMap<>();
  /** The graph's part of a {@link ConvOrderCache} key, computed at the first choice. */
  private volatile String graphId;

  /** A block for this graph, initialised from seed 0. */
  public GraphBlock(Graph graph) {
    this(graph, 0);
  }

  /** A block for this graph whose initial parameters are drawn from {@code seed}. */
  public GraphBlock(Graph graph, long seed) {
    super(VERSION);
    this.graph = graph;
    this.seed = seed;
    this.plan = new ExecutionPlan(graph);
    Map<ParamKey, int[]> shapes = graph.paramShapes();
    List<Map<ParamRole, Parameter>> perNode = new ArrayList<>();
    for (Node n : graph.nodes()) {
      int[] weight = shapes.get(new ParamKey(n.name(), ParamRole.WEIGHT));
      int fanIn = weight == null ? 0 : fanIn(weight);
      Map<ParamRole, Parameter> own = new EnumMap<>(ParamRole.class);
      for (ParamRole role : ParamRole.values()) {
        ParamKey key = new ParamKey(n.name(), role);
        int[] shape = shapes.get(key);
        if (shape != null) {
          Parameter p = addParameter(Parameter.builder()
              .setName(key.tensorName())
              .setType(djlType(role))
              .optShape(toShape(shape))
              .optInitializer(new TorchDefaultInitializer(key, fanIn, seed))
              .optRequiresGrad(role.learnable())
              .build());
          byKey.put(key, p);
          own.put(role, p);
        }
      }
      perNode.add(own);
    }
    nodeParams = List.copyOf(perNode);
    choosesOrder = graph.nodes().stream().anyMatch(n -> n.op() instanceof Conv && graph.shape(n.inputs().get(0)).toArray()[0] > 1);
    partialBlocks = graph.nodes().stream().anyMatch(n -> n.op() instanceof Conv && graph.shape(n.inputs().get(0)).toArray()[0] > 1
        && !CpuConvRoutes.tailFree(graph.shape(n.inputs().get(0)).toArray()[0], graph.shape(n.name()).toArray()[0]));
  }

  /** DJL's type of a role: the same name, but a Constant's VALUE, which DJL has no name for, is OTHER. */
  private static Parameter.Type djlType(ParamRole role) {
    return role == ParamRole.VALUE ? Parameter.Type.OTHER : Parameter.Type.valueOf(role.name());
  }

  private static Shape toShape(int[] dims) {
    return new Shape(Arrays.stream(dims).asLongStream().toArray());
  }

  private static int fanIn(int[] weightShape) {
    int f = 1;
    for (int d = 1; d < weightShape.length; d++) {
      f *= weightShape[d];
    }
    return f;
  }

  public Graph graph() {
    return graph;
  }

  public long seed() {
    return seed;
  }

  /** Initialises every parameter as float32 on the manager's device; no-op once initialised. */
  public void initialize(NDManager manager) {
    Shape[] shapes = graph.inputs().stream().map(in -> in.shape().withBatch(1)).toArray(Shape[]::new);
    try (GradMode.Scope s = GradMode.disabled()) {
      initialize(manager, DataType.FLOAT32, shapes);
    }
  }

  @Override
  protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    return run(ps, inputs, training, Set.of(), null).outputs();
  }

  /**
   * One forward pass that also returns the outputs of the named nodes (or graph inputs), e.g. the
   * feature maps after each conv's activation that HRank ranks.
   *
   * @throws InvalidModelException when a name is not a node or input of the graph
   */
  public CapturedForward forwardCapture(ParameterStore ps, NDList inputs, boolean training, Set<String> nodes) {
    requireInitialized();
    return run(ps, inputs, training, nodes, null);
  }

  /**
   * Rewrites a node's output during a forward pass, before any later node reads it (e.g. zeroing
   * chosen channels). Returns the array to use instead, or the same one.
   */
  @FunctionalInterface
  public interface Tap {
    NDArray apply(String node, NDArray output);
  }

  /** One forward pass in which {@code tap} sees, and may replace, every node's output. */
  public NDList forwardWithTap(ParameterStore ps, NDList inputs, boolean training, Tap tap) {
    requireInitialized();
    return run(ps, inputs, training, Set.of(), tap).outputs();
  }

  /** Inference on the graph inputs, without recording gradients; BN uses its running statistics. */
  public NDList infer(NDList inputs) {
    requireInitialized();
    try (GradMode.Scope s = GradMode.disabled()) {
      return forward(new ParameterStore(inputs.head().getManager(), false), inputs, false);
    }
  }

  /** Inference for a graph with one input and one output. */
  public NDArray infer(NDArray batch) {
    if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
      throw new IllegalStateException("graph '" + graph.name() + "' has " + graph.inputs().size()
          + " inputs and " + graph.outputs().size() + " outputs; use infer(NDList)");
    }
    return infer(new NDList(batch)).head();
  }

  private CapturedForward run(ParameterStore ps, NDList inputs, boolean training, Set<String> capture, Tap tap) {
    checkInputs(inputs);
    CpuConvRoutes.Route order = passOrder(inputs, training);
    if (order == null) {
      return pass(ps, inputs, training, capture, tap);
    }
    try (ConvOrderProbe.Scope s = ConvOrderProbe.use(order)) {
      return pass(ps, inputs, training, capture, tap);
    }
  }

  /**
   * The memory order the convolutions of this pass prefer under {@link ConvOrder#AUTO}, measured
   * the first time a mode and shape are seen ({@link #probe}); null where nothing is to choose: a
   * fixed order, a pass inside another's order, no CPU float32 input, or no convolution reading more
   * than one channel.
   */
  private CpuConvRoutes.Route passOrder(NDList inputs, boolean training) {
    if (!choosesOrder || ConvOrderProbe.inPass()) {
      return null;
    }
    NDArray x = inputs.head();
    if (!x.getDevice().getDeviceType().equals(Device.Type.CPU) || x.getDataType() != DataType.FLOAT32
        || !ScriptedOps.isTorchArray(x)) {
      return null;
    }
    if (partialBlocks) {
      return CpuConvRoutes.Route.NHWC; // no mixed orders in one graph (see partialBlocks)
    }
    if (EngineSettings.cpuConvOrder() != ConvOrder.AUTO) {
      return null;
    }
    boolean grad = GradMode.isEnabled();
    // training steps share one choice whatever the batch (the last batch of an epoch is smaller);
    // inference, cheap to probe, chooses per batch size (batch 1 and 32 can differ)
    Shape shape = grad ? x.getShape().slice(1) : x.getShape();
    OrderKey key = new OrderKey(grad, training, shape);
    ConvOrderChoice choice = orders.get(key);
    if (choice == null) {
      synchronized (orders) {
        choice = orders.get(key);
        if (choice == null) {
          choice = remembered(key, inputs, training, grad);
          orders.put(key, choice);
        }
      }
    }
    return choice.order().route();
  }

  private record OrderKey(boolean gradients, boolean training, Shape shape) {}

  /**
   * The choice for {@code key} from this machine's {@link ConvOrderCache}, or measured ({@link
   * #probe}) and added to it.
   */
  private ConvOrderChoice remembered(OrderKey key, NDList inputs, boolean training, boolean grad) {
    java.util.Optional<java.nio.file.Path> file = ConvOrderCache.file();
    if (file.isEmpty()) {
      return probe(inputs, training, grad);
    }
    if (graphId == null) {
      graphId = ConvOrderCache.graphId(graph);
    }
    ConvOrderCache.Key k = new ConvOrderCache.Key(ConvOrderCache.cpu(), EngineSettings.intraOpThreadsInUse(), graphId, grad, training,
        ConvOrderCache.dims(key.shape()));
    java.util.Optional<ConvOrderChoice> known = ConvOrderCache.find(file.get(), k, key.shape());
    if (known.isPresent()) {
      return known.get();
    }
    ConvOrderChoice measured = probe(inputs, training, grad);
    ConvOrderCache.store(file.get(), k, measured);
    return measured;
  }

  /**
   * One measured choice of memory order: for passes with or without gradients, in training mode
   * or not, on inputs of this shape (without the batch when gradients are recorded), the order
   * chosen and the median pass in each order, in milliseconds (with gradients: forward and backward);
   * {@code remembered} when the choice came from this machine's {@link ConvOrderCache}, measured by
   * an earlier block or process.
   */
  public record ConvOrderChoice(boolean gradients, boolean training, Shape shape, ConvOrder order, double channelsLastMs,
      double contiguousMs, boolean remembered) {}

  /** The memory orders {@link ConvOrder#AUTO} chose so far, in no particular order. */
  public List<ConvOrderChoice> convOrderChoices() {
    return List.copyOf(orders.values());
  }

  /**
   * Times passes on these inputs in each order ({@link ConvOrderProbe#measure}). Inference passes
   * run on this block, which they do not change. A pass in training mode runs on a twin (the same
   * graph and parameter values, arrays of its own), so that the probe's batch statistics and
   * gradients never reach this block; with gradients, each pass is forward and backward of the
   * outputs' sum. The inputs are copied into a scratch manager per pass, closed with every array
   * the pass made.
   */
  private ConvOrderChoice probe(NDList inputs, boolean training, boolean grad) {
    NDManager owner = inputs.head().getManager();
    ConvOrderProbe.Timing t;
    if (!training && !grad) {
      t = ConvOrderProbe.measure(route -> timedPass(this, owner, inputs, false, false, route));
    } else {
      try (NDManager sub = owner.newSubManager()) {
        GraphBlock twin = new GraphBlock(graph, seed);
        twin.initialize(sub);
        try (GradMode.Scope s = GradMode.disabled()) {
          byKey.forEach((k, p) -> p.getArray().copyTo(twin.byKey.get(k).getArray()));
        }
        t = ConvOrderProbe.measure(route -> timedPass(twin, sub, inputs, training, grad, route));
      }
    }
    Shape shape = grad ? inputs.head().getShape().slice(1) : inputs.head().getShape();
    return new ConvOrderChoice(grad, training, shape, t.order(), t.channelsLastMs(), t.contiguousMs(), false);
  }

  private static double timedPass(GraphBlock block, NDManager owner, NDList inputs, boolean training, boolean grad,
      CpuConvRoutes.Route route) {
    try (NDManager scratch = owner.newSubManager(); ConvOrderProbe.Scope s = ConvOrderProbe.use(route);
        ConvOrderProbe.AutoCloseableScope t = ConvOrderProbe.timing();
        GradMode.Scope g = grad ? GradMode.enabled() : GradMode.disabled()) {
      NDList copies = new NDList(inputs.size());
      for (NDArray in : inputs) {
        NDArray c = in.duplicate();
        c.attach(scratch);
        copies.add(c);
      }
      long t0 = System.nanoTime();
      NDList out = block.pass(new ParameterStore(scratch, false), copies, training, Set.of(), null).outputs();
      if (grad) {
        NDArray loss = null;
        for (NDArray o : out) {
          loss = loss == null ? o.sum() : loss.add(o.sum());
        }
        JniUtils.backward((PtNDArray) loss, (PtNDArray) scratch.ones(loss.getShape()), false, false);
      } else {
        for (NDArray o : out) {
          o.toType(DataType.FLOAT32, false); // CPU ops are synchronous: the outputs exist
        }
      }
      return (System.nanoTime() - t0) / 1e6;
    }
  }

  private CapturedForward pass(ParameterStore ps, NDList inputs, boolean training, Set<String> capture, Tap tap) {
    Map<String, Integer> captureSlots = new LinkedHashMap<>();
    for (String name : capture) {
      captureSlots.put(name, plan.slot(name));
    }
    boolean[] keep = keptSlots(captureSlots.values());
    NDArray[] values = new NDArray[plan.slotCount()];
    for (int i = 0; i < plan.inputCount(); i++) {
      values[i] = inputs.get(i);
    }
    Device device = inputs.head().getDevice();
    boolean free = !GradMode.isEnabled(); // with autograd recording, backward needs the intermediates
    List<Node> nodes = graph.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      int[] in = plan.inputSlots(i);
      NDArray[] args = new NDArray[in.length];
      for (int k = 0; k < in.length; k++) {
        args[k] = values[in[k]];
      }
      Map<ParamRole, Parameter> own = nodeParams.get(i);
      OpKernel.Params params = role -> {
        Parameter p = own.get(role);
        return p == null ? null : ps.getValue(p, device, training);
      };
      int out = plan.nodeSlot(i);
      values[out] = plan.kernel(i).apply(nodes.get(i).op(), List.of(args), params, training);
      if (in.length == 0) {
        // a Constant's view of its buffer starts in the parameter's manager; in the pass's, as every
        // other intermediate, it goes when the caller's arrays go rather than piling up pass by pass
        values[out].attach(inputs.head().getManager());
      }
      if (tap != null) {
        values[out] = tap.apply(nodes.get(i).name(), values[out]);
      }
      if (free) {
        for (int s : in) {
          if (plan.isLastUse(s, i)) {
            release(values, keep, s);
          }
        }
        if (plan.isUnread(out)) {
          release(values, keep, out);
        }
      }
    }
    NDList outputs = new NDList(plan.outputSlots().length);
    for (int s : plan.outputSlots()) {
      outputs.add(values[s]);
    }
    Map<String, NDArray> captured = new LinkedHashMap<>();
    captureSlots.forEach((name, s) -> captured.put(name, values[s]));
    return new CapturedForward(outputs, captured);
  }

  /** Slots a forward pass must not close: the caller's inputs, the outputs and the captured nodes. */
  private boolean[] keptSlots(Collection<Integer> captured) {
    boolean[] keep = new boolean[plan.slotCount()];
    Arrays.fill(keep, 0, plan.inputCount(), true);
    for (int s : plan.outputSlots()) {
      keep[s] = true;
    }
    for (int s : captured) {
      keep[s] = true;
    }
    return keep;
  }

  /** Drops a slot and closes its array unless it is kept or another live slot holds the same array. */
  private static void release(NDArray[] values, boolean[] keep, int slot) {
    NDArray a = values[slot];
    if (a == null || keep[slot]) {
      return;
    }
    values[slot] = null;
    for (NDArray other : values) {
      if (other == a) {
        return; // aliased by a pass-through node (Identity, Dropout in inference)
      }
    }
    a.close();
  }

  private void checkInputs(NDList inputs) {
    List<GraphInput> declared = graph.inputs();
    if (inputs.size() != declared.size()) {
      throw new IllegalArgumentException("graph '" + graph.name() + "' takes " + declared.size()
          + " input(s), got " + inputs.size());
    }
    for (int i = 0; i < declared.size(); i++) {
      Shape got = inputs.get(i).getShape();
      Shape want = declared.get(i).shape().withBatch(got.dimension() == 0 ? 1 : got.get(0));
      if (!got.equals(want)) {
        throw new IllegalArgumentException("input '" + declared.get(i).name() + "' must have shape "
            + want + " (batch first), got " + got);
      }
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return graph.outputs().stream().map(o -> graph.shape(o).withBatch(batch)).toArray(Shape[]::new);
  }

  /** The DJL parameter of a key. */
  public Parameter parameter(ParamKey key) {
    Parameter p = byKey.get(key);
    if (p == null) {
      throw new InvalidWeightsException("graph '" + graph.name() + "' has no parameter " + key);
    }
    return p;
  }

  /** Every parameter array in {@link Graph#paramShapes()} order; the arrays are live, not copies. */
  public Map<ParamKey, NDArray> parameterArrays() {
    requireInitialized();
    Map<ParamKey, NDArray> out = new LinkedHashMap<>();
    byKey.forEach((k, p) -> out.put(k, p.getArray()));
    return Collections.unmodifiableMap(out);
  }

  /** A copy of one parameter's values, row-major. */
  public float[] parameterData(ParamKey key) {
    requireInitialized();
    return parameter(key).getArray().toFloatArray();
  }

  /**
   * Overwrites a parameter in place (row-major data), keeping its gradient attachment.
   *
   * @throws InvalidWeightsException when the graph has no such parameter or the length differs
   */
  public void setParameter(ParamKey key, float[] data) {
    requireInitialized();
    NDArray target = parameter(key).getArray();
    if (data.length != target.size()) {
      throw new InvalidWeightsException("parameter " + key + " has shape " + target.getShape()
          + " (" + target.size() + " values) but " + data.length + " values were given");
    }
    try (GradMode.Scope s = GradMode.disabled()) {
      target.set(data);
    }
  }

  /**
   * Overwrites a parameter in place after checking the shape the data was stored with.
   *
   * @throws InvalidWeightsException when the graph has no such parameter or the shapes differ
   */
  public void setParameter(ParamKey key, int[] shape, float[] data) {
    requireInitialized();
    Shape expected = parameter(key).getArray().getShape();
    Shape given = toShape(shape);
    if (!expected.equals(given)) {
      throw new InvalidWeightsException("parameter " + key + " has shape " + expected + " but the data has shape " + given);
    }
    setParameter(key, data);
  }

  private void requireInitialized() {
    if (!isInitialized()) {
      throw new IllegalStateException("GraphBlock for graph '" + graph.name() + "' is not initialised; call initialize first");
    }
  }
}
