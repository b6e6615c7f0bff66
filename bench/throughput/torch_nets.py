"""PyTorch side of bench/throughput: the same two nets, Adam and softmax cross-entropy, on random data.

Run by main.ts with Debian's /usr/bin/python3 (python3-torch). Prints one JSON line per net.
Usage: torch_nets.py --threads 2 --batch 128 --warmup 3 A:20 B:5
"""
import argparse
import json
import time

import torch
from torch import nn


def net_a():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 128), nn.ReLU(), nn.Linear(128, 10),
    ), (1, 28, 28), 10


def net_b():
    return nn.Sequential(
        nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.Conv2d(128, 128, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(8 * 8 * 128, 256), nn.ReLU(), nn.Linear(256, 100),
    ), (3, 32, 32), 100


NETS = {'A': net_a, 'B': net_b}


def measure(name, steps, batch, warmup):
    model, shape, classes = NETS[name]()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, *shape)
    y = torch.randint(0, classes, (batch,))

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(warmup):
        step()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    return {'net': name, 'steps': steps, 'seconds': seconds, 'cpuSeconds': cpu_seconds,
            'imagesPerSecond': steps * batch / seconds}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('runs', nargs='+', help='NET:STEPS, e.g. A:20')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for run in args.runs:
        name, steps = run.split(':')
        result = measure(name, int(steps), args.batch, args.warmup)
        result['torch'] = torch.__version__
        result['threads'] = torch.get_num_threads()
        print(json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
