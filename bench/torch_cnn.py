# The reference CNN in PyTorch on the CPU, for `pnpm bench train --with-torch` (never in CI).
# Install: apt-get install python3-torch. Prints one JSON line: step ms and samples/s at batch 128.
import json, time
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
x = torch.randn(128, 1, 28, 28)
y = torch.randint(0, 10, (128,))
times = []
for i in range(12):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    if i >= 2:
        times.append(time.perf_counter() - t0)
times.sort()
step = times[len(times) // 2]
model.eval()
t0 = time.perf_counter()
with torch.no_grad():
    for _ in range(3):
        model(x)
infer = (time.perf_counter() - t0) / 3
print(json.dumps({"stepMs": step * 1000, "samplesPerSecond": 128 / step, "inferenceSamplesPerSecond": 128 / infer}))
