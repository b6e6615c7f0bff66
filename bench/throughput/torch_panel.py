"""PyTorch side of the throughput panel (bench/throughput/panel.ts): the network of a normalised ARCH built
as the trainer builds it (src/trainer/model/build.ts), trained with Adam on label-smoothed cross-entropy on a
fixed random batch, then the validation pass (eval mode, no_grad, batches of 256). Prints one JSON line.

Run by panel.ts with Debian's /usr/bin/python3 (python3-torch):
  torch_panel.py --spec SPEC.json --threads 1 --batch 64 --steps 20 --warmup 3 --eval-batches 4
SPEC.json: {"arch": [normalised layers], "input": [h, w, c], "classes": 10, "shapes": [output shape per layer]}.
"""
import argparse
import json
import math
import time

import torch
from torch import nn

ACTIVATIONS = {'relu': nn.ReLU, 'elu': nn.ELU, 'selu': nn.SELU, 'tanh': nn.Tanh, 'sigmoid': nn.Sigmoid}
EVAL_BATCH = 256


def same_padding(size, kernel, stride):
    """TensorFlow's 'same' padding along one axis: (before, after)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def spatial_padding(layer, h, w):
    if layer['padding'] != 'same':
        return None
    (kh, kw), (sh, sw) = layer['kernel_size'], layer['stride']
    top, bottom = same_padding(h, kh, sh)
    left, right = same_padding(w, kw, sw)
    return left, right, top, bottom


class Net(nn.Module):
    """The layers of an ARCH; a conv's dropout follows the max pool right after it, as in build.ts."""

    def __init__(self, arch, input_shape, classes, shapes):
        super().__init__()
        self.steps = nn.ModuleList()
        self.skips = []
        h, w, c = input_shape
        pending_dropout = 0
        for i, layer in enumerate(arch):
            t = layer['type']
            ops = []
            skip = None
            if t == 'C':
                pad = spatial_padding(layer, h, w)
                conv_pad = 0
                if pad is not None and pad[0] == pad[1] and pad[2] == pad[3]:
                    conv_pad = (pad[2], pad[0])
                elif pad is not None:
                    ops.append(nn.ZeroPad2d(pad))
                ops.append(nn.Conv2d(c, layer['num_output'], tuple(layer['kernel_size']), tuple(layer['stride']),
                                     conv_pad, bias=not layer['batch_norm']))
                if layer['batch_norm']:
                    ops.append(nn.BatchNorm2d(layer['num_output'], eps=1e-3, momentum=0.01))
                skip = layer['skip_from']
                post = []
                if layer['activation'] != 'linear':
                    post.append(ACTIVATIONS[layer['activation']]())
                nxt = arch[i + 1] if i + 1 < len(arch) else None
                deferred = layer['drop_out'] > 0 and nxt is not None and nxt['type'] == 'P' and nxt['pool'] == 'max'
                if layer['drop_out'] > 0 and not deferred:
                    post.append(nn.Dropout(layer['drop_out'] / 100))
                pending_dropout = layer['drop_out'] if deferred else 0
            elif t == 'P':
                if layer['pool'] == 'global_avg':
                    ops.append(nn.AdaptiveAvgPool2d(1))
                else:
                    pad = spatial_padding(layer, h, w)
                    if pad is not None and any(pad):
                        fill = -math.inf if layer['pool'] == 'max' else 0.0
                        ops.append(nn.ConstantPad2d(pad, fill))
                    pool = nn.MaxPool2d if layer['pool'] == 'max' else nn.AvgPool2d
                    ops.append(pool(tuple(layer['kernel_size']), tuple(layer['stride'])))
                post = [nn.Dropout(p / 100) for p in (pending_dropout, layer['drop_out']) if p > 0]
                pending_dropout = 0
            else:
                units = classes if t == 'T' else layer['num_output']
                ops.append(nn.Flatten())
                ops.append(nn.Linear(h * w * c, units, bias=t == 'T' or not layer['batch_norm']))
                post = []
                if t == 'FC':
                    if layer['batch_norm']:
                        ops.append(nn.BatchNorm1d(units, eps=1e-3, momentum=0.01))
                    if layer['activation'] != 'linear':
                        post.append(ACTIVATIONS[layer['activation']]())
                    if layer['drop_out'] > 0:
                        post.append(nn.Dropout(layer['drop_out'] / 100))
            self.steps.append(nn.ModuleList([nn.Sequential(*ops), nn.Sequential(*post)]))
            self.skips.append(skip)
            shape = shapes[i]
            h, w, c = (shape[0], shape[1], shape[2]) if len(shape) == 3 else (1, 1, shape[0])

    def forward(self, x):
        outputs = []
        source = x
        for (ops, post), skip in zip(self.steps, self.skips):
            y = ops(x)
            if skip is not None:
                y = y + (source if skip == -1 else outputs[skip])
            x = post(y)
            outputs.append(x)
        return x


def check_shapes(model, spec):
    """Every layer's output has the shape the trainer's model gives it (NCHW here, HWC there)."""
    x = torch.zeros(2, spec['input'][2], spec['input'][0], spec['input'][1])
    model.eval()
    with torch.no_grad():
        for i, ((ops, post), skip) in enumerate(zip(model.steps, model.skips)):
            x = post(ops(x))
            want = spec['shapes'][i]
            got = [x.shape[2], x.shape[3], x.shape[1]] if x.dim() == 4 else [x.shape[1]]
            if len(want) == 3 and want[0] == 1 and want[1] == 1 and x.dim() == 4:
                got = [1, 1, x.shape[1]]
            if list(got) != list(want):
                raise SystemExit(f'layer {i}: shape {got}, the trainer has {want}')


def measure(spec, batch, steps, warmup, eval_batches, smoothing, warmup_seconds=0.0, min_seconds=0.0):
    classes = spec['classes']
    model = Net(spec['arch'], spec['input'], classes, spec['shapes'])
    check_shapes(model, spec)
    h, w, c = spec['input']
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=smoothing)
    x = torch.randn(batch, c, h, w)
    y = torch.randint(0, classes, (batch,))

    def step():
        optimizer.zero_grad()
        scores = model(x)
        loss = loss_fn(scores, y)
        loss.backward()
        optimizer.step()
        return loss.item(), (scores.argmax(1) == y).sum().item()

    model.train()
    began = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - began < warmup_seconds:
        step()
        done += 1
    start, cpu_start = time.perf_counter(), time.process_time()
    steps_timed = 0
    while steps_timed < steps or time.perf_counter() - start < min_seconds:
        step()
        steps_timed += 1
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start

    model.eval()
    xe = torch.randn(EVAL_BATCH, c, h, w)
    ye = torch.randint(0, classes, (EVAL_BATCH,))

    def infer():
        with torch.no_grad():
            scores = model(xe)
            return nn.functional.cross_entropy(scores, ye, reduction='sum').item(), scores.argmax(1).tolist()

    infer()
    eval_start = time.perf_counter()
    for _ in range(eval_batches):
        infer()
    eval_seconds = time.perf_counter() - eval_start
    return {
        'train': {'steps': steps_timed, 'seconds': seconds, 'cpuSeconds': cpu_seconds, 'imagesPerSecond': steps_timed * batch / seconds},
        'infer': {'images': eval_batches * EVAL_BATCH, 'seconds': eval_seconds,
                  'imagesPerSecond': eval_batches * EVAL_BATCH / eval_seconds},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--spec', required=True)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--steps', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--eval-batches', type=int, default=4)
    parser.add_argument('--label-smoothing', type=float, default=0.1)
    parser.add_argument('--warmup-seconds', type=float, default=0.0)
    parser.add_argument('--min-seconds', type=float, default=0.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.spec) as f:
        spec = json.load(f)
    result = measure(spec, args.batch, args.steps, args.warmup, args.eval_batches, args.label_smoothing, args.warmup_seconds, args.min_seconds)
    result.update({'side': 'torch', 'torch': torch.__version__, 'threads': torch.get_num_threads()})
    print(json.dumps(result), flush=True)


if __name__ == '__main__':
    main()
