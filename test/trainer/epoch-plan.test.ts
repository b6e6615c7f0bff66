import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EpochPlan } from '../../src/trainer/train/epoch-plan.js';

describe('EpochPlan', () => {
  it('trains every epoch without a time limit', () => {
    const plan = new EpochPlan({ epochs: 30 }, 100);
    plan.update(1, 1e9);
    assert.equal(plan.epochs, 30);
    assert.equal(plan.totalSteps, 3000);
  });

  it('cuts the epochs to what fits in the limit at the pace measured so far', () => {
    const plan = new EpochPlan({ epochs: 60, timeLimitSeconds: 3600 }, 10);
    plan.update(1, 130);
    assert.equal(plan.epochs, 27);
    assert.equal(plan.totalSteps, 270);
    plan.update(2, 250); // 125 s an epoch: 28 would fit, but the plan never grows
    assert.equal(plan.epochs, 27);
    plan.update(3, 420); // 140 s an epoch: 25 fit
    assert.equal(plan.epochs, 25);
  });

  it('never asks for more epochs than given, nor fewer than done', () => {
    const fast = new EpochPlan({ epochs: 5, timeLimitSeconds: 3600 }, 1);
    fast.update(1, 1);
    assert.equal(fast.epochs, 5);
    const slow = new EpochPlan({ epochs: 5, timeLimitSeconds: 10 }, 1);
    slow.update(1, 50);
    assert.equal(slow.epochs, 1);
  });
});
