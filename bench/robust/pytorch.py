"""The CLI's default CNN and recipe in PyTorch, for `pnpm bench robust --torch` (never in CI).

Needs Debian's python3-torch; run with /usr/bin/python3. bench/robust/torch.mjs writes the data and calls:
  pytorch.py train DATA_DIR OUT.pt            trains on DATA_DIR's samples (the CLI's own augmented batches,
                                            in order) with DATA_DIR/recipe.json; prints one JSON line
  pytorch.py predict MODEL.pt IN.f32 OUT.f32  float32 N x 784 pictures in, float32 N x 10 probabilities out
A .pt is a state_dict this script saved into our own cache; it is loaded with weights_only=True all the same.
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

torch.set_num_threads(os.cpu_count() or 1)


def cnn() -> nn.Sequential:
    """apps/mnist-cli/src/models.ts cnn(), with Keras's and Neurite's Glorot-uniform weights and zero biases."""
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10),
    )
    for m in model:
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


def smoothed_loss(logits: torch.Tensor, labels: torch.Tensor, smoothing: float) -> torch.Tensor:
    """Neurite's categoricalCrossentropy after a softmax: probabilities clipped to [1e-7, 1 - 1e-7]."""
    p = logits.softmax(1).clamp(1e-7, 1 - 1e-7)
    target = torch.full_like(p, smoothing / 10)
    target[torch.arange(len(labels)), labels] += 1 - smoothing
    return -(target * p.log()).sum(1).mean()


def pixels(path: Path, dtype: str, scale: float) -> torch.Tensor:
    """N x 1 x 28 x 28 float32 from fixed-point (or, with scale 1, float32) pixels."""
    return torch.from_numpy(np.fromfile(path, dtype=dtype).astype(np.float32) / np.float32(scale)).view(-1, 1, 28, 28)


def labels(path: Path) -> torch.Tensor:
    return torch.from_numpy(np.fromfile(path, dtype=np.uint8).astype(np.int64))


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        right = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(y), 1000))
    return right / len(y)


def train(data: Path, out: Path) -> dict:
    r = json.loads((data / 'recipe.json').read_text())
    torch.manual_seed(r['seed'])
    model = cnn()
    a = r['adam']
    # Set per step below. torch's Adam is Neurite's: m / (1 - b1^t) / (sqrt(v / (1 - b2^t)) + epsilon).
    opt = torch.optim.Adam(model.parameters(), lr=0.0, betas=(a['beta1'], a['beta2']), eps=a['epsilon'])
    lrs, b, step = r['lr'], r['batchSize'], 0
    t0 = time.perf_counter()
    for e in range(r['epochs']):
        t1 = time.perf_counter()
        x = pixels(data / f'epoch-{e}.x.u16', '<u2', 65535)
        y = labels(data / f'epoch-{e}.y.u8')
        model.train()
        total, right = 0.0, 0
        for i in range(0, len(y), b):
            opt.param_groups[0]['lr'] = lrs[step]
            opt.zero_grad()
            logits = model(x[i:i + b])
            loss = smoothed_loss(logits, y[i:i + b], r['labelSmoothing'])
            loss.backward()
            opt.step()
            step += 1
            total += loss.item() * len(logits)
            right += (logits.argmax(1) == y[i:i + b]).sum().item()
        print(f'torch epoch {e + 1}/{r["epochs"]}: loss {total / len(y):.4f} acc {100 * right / len(y):.2f}% | '
              f'{time.perf_counter() - t1:.1f} s', file=sys.stderr)
    if step != len(lrs):
        raise SystemExit(f'pytorch.py: trained {step} steps, and recipe.json has a learning rate for {len(lrs)}.')
    seconds = time.perf_counter() - t0
    test = accuracy(model, pixels(data / 'test.x.u8', 'u1', 255), labels(data / 'test.y.u8'))
    torch.save(model.state_dict(), out)
    return {'testAccuracy': test, 'testImages': r['testImages'], 'trainSeconds': seconds, 'steps': step,
            'threads': torch.get_num_threads()}


def predict(pt: Path, pictures: Path, probs: Path) -> None:
    model = cnn()
    model.load_state_dict(torch.load(pt, weights_only=True))
    model.eval()
    x = pixels(pictures, '<f4', 1)
    with torch.no_grad():
        p = torch.cat([model(x[i:i + 1000]).softmax(1) for i in range(0, len(x), 1000)])
    p.numpy().astype('<f4').tofile(probs)


if __name__ == '__main__':
    if len(sys.argv) == 4 and sys.argv[1] == 'train':
        print(json.dumps(train(Path(sys.argv[2]), Path(sys.argv[3]))))
    elif len(sys.argv) == 5 and sys.argv[1] == 'predict':
        predict(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        raise SystemExit('Usage: pytorch.py train DATA_DIR OUT.pt | pytorch.py predict MODEL.pt IN.f32 OUT.f32')
