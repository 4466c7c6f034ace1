using MortalHil.Core.Data;
using MortalHil.Core.Learning.Evaluation;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Live;

namespace MortalHil.Core.Learning.Training;

/// <summary>One training step on a batch of inputs and target distributions.</summary>
public delegate StepResult TrainingStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targetDistributions, int batch);

/// <summary>
/// Epochs of shuffled mini-batches with one-hot targets, test evaluations for a learning curve, a hook
/// after each epoch (e.g. to refit a board's ranges) and live progress. Works for any trainer.
/// </summary>
public static class TrainingLoop
{
    public static IReadOnlyList<CurvePoint> Run(TrainingStep step, IClassifier model, LabeledImageSet train, LabeledImageSet test,
        TrainingSchedule schedule, Func<(long ForwardPasses, long Pulses, double WallSeconds)> counters,
        Action<int>? afterEpoch = null, Action<float>? setLearningRateScale = null, Action<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int count = Math.Min(schedule.TrainLimit ?? train.Count, train.Count);
        int batch = Math.Min(schedule.BatchSize, count);
        int stepsPerEpoch = count / batch;
        int evalEvery = Math.Max(1, stepsPerEpoch / Math.Max(1, schedule.EvaluationsPerEpoch));
        var rng = SeededRandom.For(schedule.Seed, "example-order");
        var order = Enumerable.Range(0, count).ToArray();
        var x = new float[batch * train.Features];
        var labels = new byte[batch];
        var targets = new float[batch * train.Classes];
        var curve = new List<CurvePoint>();
        float lastTest = float.NaN;
        long globalStep = 0, stepsTotal = (long)stepsPerEpoch * schedule.Epochs;
        for (int epoch = 0; epoch < schedule.Epochs; epoch++)
        {
            setLearningRateScale?.Invoke(MathF.Pow(schedule.LearningRateDecay, epoch));
            rng.Shuffle(order);
            long correct = 0, seen = 0;
            for (int s = 0; s < stepsPerEpoch; s++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                train.Gather(order.AsSpan(s * batch, batch), x, labels);
                TargetDistributions.OneHot(labels, train.Classes, targets);
                var r = step(x, targets, batch);
                correct += Math.Max(0, r.Correct);
                seen += batch;
                globalStep++;
                bool endOfEpoch = s == stepsPerEpoch - 1;
                if (endOfEpoch) afterEpoch?.Invoke(epoch);
                if (endOfEpoch || ((s + 1) % evalEvery == 0 && s + 1 + evalEvery / 2 < stepsPerEpoch))
                {
                    lastTest = Evaluator.Accuracy(model, test, limit: schedule.TestLimit);
                    var c = counters();
                    curve.Add(new CurvePoint(epoch + (s + 1) / (double)stepsPerEpoch, globalStep * batch, seen == 0 ? 0 : correct / (float)seen,
                        lastTest, c.ForwardPasses, c.Pulses, c.WallSeconds));
                    LiveTraining.Publish(model, epoch, schedule.Epochs, globalStep, stepsTotal, epoch + (s + 1) / (double)stepsPerEpoch, correct / (float)seen, lastTest, curvePoint: true);
                }
                else LiveTraining.Publish(model, epoch, schedule.Epochs, globalStep, stepsTotal, epoch + (s + 1) / (double)stepsPerEpoch, correct / (float)seen, lastTest, curvePoint: false);
                progress?.Invoke(new TrainingProgress(epoch, schedule.Epochs, globalStep, stepsTotal, correct / (float)seen, lastTest, r.Loss));
            }
        }
        return curve;
    }
}
