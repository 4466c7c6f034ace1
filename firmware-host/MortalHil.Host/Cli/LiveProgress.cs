using Spectre.Console;

namespace MortalHil.Host.Cli;

/// <summary>One bar of a <see cref="LiveProgress"/> display.</summary>
public interface IProgressBar
{
    /// <summary>Sets the position, the end and the text of the bar.</summary>
    void Report(double value, double max, string description);
}

/// <summary>
/// A live progress bar on a terminal. With output redirected (a pipe, a log file, a test host) there is no live
/// display: Spectre allows one at a time per process, and a log wants lines, not redraws. Instead the bar's text is
/// written to stderr as a plain line at most every <see cref="LineInterval"/>, and once at the end.
/// </summary>
public static class LiveProgress
{
    /// <summary>Least time between two plain progress lines when output is redirected.</summary>
    public static TimeSpan LineInterval { get; set; } = TimeSpan.FromSeconds(30);

    public static T Run<T>(string title, Func<IProgressBar, T> body, bool remainingTime = false, bool autoClear = false)
    {
        if (Console.IsOutputRedirected)
        {
            var bar = new LineBar(title, Console.Error);
            var result = body(bar);
            bar.Finish();
            return result;
        }
        T value = default!;
        var columns = new List<ProgressColumn> { new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn() };
        if (remainingTime) columns.Add(new RemainingTimeColumn());
        AnsiConsole.Progress().AutoClear(autoClear).Columns([.. columns]).Start(ctx =>
        {
            var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
            value = body(new TaskBar(task));
            task.Value = task.MaxValue;
        });
        return value;
    }

    public static void Run(string title, Action<IProgressBar> body, bool remainingTime = false, bool autoClear = false) =>
        Run<bool>(title, bar => { body(bar); return true; }, remainingTime, autoClear);

    private sealed class TaskBar(ProgressTask task) : IProgressBar
    {
        public void Report(double value, double max, string description)
        {
            task.MaxValue = Math.Max(max, 1e-9);
            task.Value = Math.Min(value, task.MaxValue);
            task.Description = Markup.Escape(description);
        }
    }

    private sealed class LineBar(string title, TextWriter log) : IProgressBar
    {
        private DateTime _last = DateTime.UtcNow;
        private string _text = title;

        public void Report(double value, double max, string description)
        {
            _text = max > 0 ? $"{description} ({100 * value / max:F0}%)" : description;
            if (DateTime.UtcNow - _last < LineInterval) return;
            _last = DateTime.UtcNow;
            log.WriteLine(_text);
        }

        public void Finish() => log.WriteLine($"{_text}: done");
    }
}
