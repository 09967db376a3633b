"""Images/s of PyTorch's DataLoader over an ImageFolder with the training transforms Topiary's
streaming loader applies: RandomResizedCrop(224) + RandomHorizontalFlip + ToTensor + Normalize
(ImageNet), batch 64, 2 workers. Run with Debian's /usr/bin/python3 (torch 1.13, torchvision 0.14)."""
import argparse
import time

import torch
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="folder with train/")
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--images", type=int, default=0, help="0: all")
    a = p.parse_args()
    torch.manual_seed(0)
    t = transforms.Compose([
        transforms.RandomResizedCrop(a.size),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    ])
    ds = datasets.ImageFolder(a.data + "/train", transform=t)
    if a.images:
        ds = Subset(ds, torch.randperm(len(ds), generator=torch.Generator().manual_seed(1))[: a.images].tolist())
    loader = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers)
    start = time.perf_counter()
    seen = 0
    for x, y in loader:
        seen += y.shape[0]
    s = time.perf_counter() - start
    print(f"torch: {seen} images in {s:.2f} s = {seen / s:.1f} images/s (batch {a.batch}, {a.workers} workers)")


if __name__ == "__main__":
    main()
