package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * Complete IoU (Zheng et al., arXiv:1911.08287) of paired centre boxes, as YOLOv5 v6.2/v7.0's
 * {@code bbox_iou(box1, box2, xywh=True, CIoU=True, eps=1e-7)}:
 *
 * <pre>
 * CIoU = IoU - (rho^2 / c^2 + v * alpha),  v = 4 / pi^2 * (atan(w2 / h2) - atan(w1 / h1))^2,
 * alpha = v / (v - IoU + 1 + eps)
 * </pre>
 *
 * where {@code rho} is the distance between the centres and {@code c} the diagonal of the smallest
 * box enclosing both. As in YOLOv5, {@code alpha} carries no gradient (it is computed under {@code
 * torch.no_grad}), and eps enters the union and {@code c^2} as there; the centre distance is taken
 * from the corners, in YOLOv5's float order. Stateless; results live in the first box's manager.
 */
public final class CompleteIou {
  /** YOLOv5's eps. */
  public static final float EPS = 1e-7f;
  private static final double FOUR_OVER_PI_SQUARED = 4 / (Math.PI * Math.PI);

  private CompleteIou() {}

  /**
   * The CIoU of each pair of rows.
   *
   * @param box1 {@code [n, 4]} centre x, centre y, width, height (the prediction)
   * @param box2 {@code [n, 4]} in the same units (the target)
   * @return {@code [n]}, with autograd through both boxes except for alpha
   * @throws IllegalArgumentException when the shapes are not both {@code [n, 4]}
   */
  public static NDArray of(NDArray box1, NDArray box2) {
    if (box1.getShape().dimension() != 2 || box1.getShape().get(1) != 4 || !box1.getShape().equals(box2.getShape())) {
      throw new IllegalArgumentException("boxes: CIoU takes two [n, 4] arrays, got " + box1.getShape() + " and "
          + box2.getShape());
    }
    NDArray x1 = box1.get(":, 0");
    NDArray y1 = box1.get(":, 1");
    NDArray w1 = box1.get(":, 2");
    NDArray h1 = box1.get(":, 3");
    NDArray x2 = box2.get(":, 0");
    NDArray y2 = box2.get(":, 1");
    NDArray w2 = box2.get(":, 2");
    NDArray h2 = box2.get(":, 3");
    NDArray hw1 = w1.div(2);
    NDArray hh1 = h1.div(2);
    NDArray hw2 = w2.div(2);
    NDArray hh2 = h2.div(2);
    NDArray b1x1 = x1.sub(hw1);
    NDArray b1x2 = x1.add(hw1);
    NDArray b1y1 = y1.sub(hh1);
    NDArray b1y2 = y1.add(hh1);
    NDArray b2x1 = x2.sub(hw2);
    NDArray b2x2 = x2.add(hw2);
    NDArray b2y1 = y2.sub(hh2);
    NDArray b2y2 = y2.add(hh2);

    NDArray interW = NDArrays.minimum(b1x2, b2x2).sub(NDArrays.maximum(b1x1, b2x1)).clip(0f, Float.MAX_VALUE);
    NDArray interH = NDArrays.minimum(b1y2, b2y2).sub(NDArrays.maximum(b1y1, b2y1)).clip(0f, Float.MAX_VALUE);
    NDArray inter = interW.mul(interH);
    NDArray union = w1.mul(h1).add(w2.mul(h2)).sub(inter).add(EPS);
    NDArray iou = inter.div(union);

    NDArray cw = NDArrays.maximum(b1x2, b2x2).sub(NDArrays.minimum(b1x1, b2x1));
    NDArray ch = NDArrays.maximum(b1y2, b2y2).sub(NDArrays.minimum(b1y1, b2y1));
    NDArray c2 = cw.square().add(ch.square()).add(EPS);
    NDArray dx = b2x1.add(b2x2).sub(b1x1).sub(b1x2);
    NDArray dy = b2y1.add(b2y2).sub(b1y1).sub(b1y2);
    NDArray rho2 = dx.square().add(dy.square()).div(4);
    NDArray v = w2.div(h2).atan().sub(w1.div(h1).atan()).square().mul(FOUR_OVER_PI_SQUARED);
    NDArray alpha = v.div(v.sub(iou).add(1 + EPS)).stopGradient();
    return iou.sub(rho2.div(c2).add(v.mul(alpha)));
  }
}
