using System.Diagnostics;
using System.Text;
using MortalHil.Stress.Toolkit;
using Xunit.Abstractions;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// <c>mortalhil fleet handover</c> as a user runs it, against real silo processes and redis-server on loopback: the teacher on one
/// node, the student and the journal on another, each node with its own journal folder. Redis is killed while the coordinator
/// commissions the teacher, so the coordinator's own state write (the teacher's network) meets a Redis that is down: the
/// coordinator says it waits, Redis comes back with its data, and the command ends with the student retired, the journal
/// whole and every lesson batch asked of the teacher once. Running the same command again follows the handover already done.
/// </summary>
public sealed class FleetHandoverCommandTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    private void Log(string line)
    {
        try { output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); } catch (InvalidOperationException) { /* the test is over */ }
    }

    [Fact]
    public void The_command_orders_a_handover_across_nodes_and_rides_out_a_redis_restart_during_the_coordinators_state_write()
    {
        using var fleet = new LocalFleet(persistentRedis: true);
        fleet.StartNodes(("n1", ["sim:reram:211"]), ("n2", ["sim:reram:212"]));
        string teacher = "n1/" + Serial(fleet.Node("n1").Log), student = "n2/" + Serial(fleet.Node("n2").Log);
        string scenario = Path.Combine(TestScenarios.RepoRoot(), "sim", "scenarios", "fleet-100x5.json");
        string[] args = ["fleet", "handover", scenario, "--teacher", teacher, "--student", student, "--on", "n1", "--id", "cli", "--seed", "3",
            "--cluster", fleet.Cluster.Redis, "--cluster-id", fleet.Cluster.ClusterId, "--fast-failover"];

        using var run = Cli.Start(args);
        var commissioning = run.WaitForLine(l => l.StartsWith("commissioning on n1", StringComparison.Ordinal), Patience);
        Assert.True(commissioning is not null, $"the command never reported the teacher's commissioning:\n{run.Output}");
        fleet.Redis.Kill();
        Log("redis killed while the teacher is commissioned");
        var waiting = run.WaitForLine(l => l.Contains("waiting for the fleet's store (Redis) to keep the teacher's network", StringComparison.Ordinal), Patience);
        Log($"coordinator: {waiting}");
        fleet.Redis.StartAgain();
        Log("redis back");
        Assert.True(waiting is not null, $"the coordinator's write of the teacher's network did not meet the Redis outage:\n{run.Output}");
        int exit = run.WaitForExit(Patience);
        Log(run.Output);
        Assert.Equal(0, exit);

        string journal = Path.Combine(fleet.JournalFolder("n2"), "handover-cli.db");
        Assert.Contains("handover cli: retired on n1 after 1 attempt(s)", run.Stdout);
        Assert.Contains($"journal: n2:{journal}", run.Stdout);
        Assert.False(Directory.Exists(fleet.JournalFolder("n1")) && Directory.EnumerateFiles(fleet.JournalFolder("n1")).Any(), "the teacher's node holds journal files");
        var read = JournalFileReader.Read(journal);
        Assert.NotEmpty(read.TeacherOutputs);
        Assert.All(CrossSiloHandoverTests.TransferQueries(journal), b => Assert.Equal(1, b.Value));

        // The order and its final report outlived the restart in Redis: the same command follows the finished handover.
        using var again = Cli.Start(args);
        Assert.Equal(0, again.WaitForExit(TimeSpan.FromMinutes(2)));
        Assert.Contains("handover cli: retired on n1 after 1 attempt(s)", again.Stdout);
    }

    [Fact]
    public void The_same_board_as_teacher_and_student_is_one_error_line_and_exit_2()
    {
        using var run = Cli.Start(["fleet", "handover", Path.Combine(TestScenarios.RepoRoot(), "sim", "scenarios", "fleet-100x5.json"),
            "--teacher", "n1/7", "--student", "n1/7", "--cluster", "127.0.0.1:1"]);
        Assert.Equal(2, run.WaitForExit(TimeSpan.FromMinutes(1)));
        Assert.Equal("error: --teacher and --student name the same board", run.Stderr.Trim());
    }

    /// <summary>The board serial a node printed when it joined ("... boards: SERIAL").</summary>
    private static string Serial(string nodeLog)
    {
        var line = nodeLog.Split('\n').First(l => l.Contains(" joined fleet ", StringComparison.Ordinal));
        return line[(line.LastIndexOf("boards: ", StringComparison.Ordinal) + "boards: ".Length)..].Trim();
    }

    /// <summary>A mortalhil process whose output lines are collected as they come.</summary>
    private sealed class Cli : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stdout = new(), _stderr = new();
        private readonly List<string> _lines = [];

        private Cli(Process process) => _process = process;

        public static Cli Start(IEnumerable<string> args)
        {
            var command = LocalFleet.Command();
            var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in command.Skip(1).Concat(args)) psi.ArgumentList.Add(a);
            var cli = new Cli(Process.Start(psi)!);
            cli._process.OutputDataReceived += (_, e) => cli.Add(e.Data, cli._stdout);
            cli._process.ErrorDataReceived += (_, e) => cli.Add(e.Data, cli._stderr);
            cli._process.BeginOutputReadLine();
            cli._process.BeginErrorReadLine();
            return cli;
        }

        private void Add(string? line, StringBuilder to)
        {
            if (line is null) return;
            lock (_lines)
            {
                to.AppendLine(line);
                _lines.Add(line);
                Monitor.PulseAll(_lines);
            }
        }

        public string Stdout { get { lock (_lines) return _stdout.ToString(); } }
        public string Stderr { get { lock (_lines) return _stderr.ToString(); } }
        public string Output => $"stdout:\n{Stdout}\nstderr:\n{Stderr}";

        /// <summary>The first line (so far or to come) that <paramref name="match"/>es, or null when the process ended or time ran out first.</summary>
        public string? WaitForLine(Func<string, bool> match, TimeSpan timeout)
        {
            var until = DateTime.UtcNow + timeout;
            lock (_lines)
            {
                int seen = 0;
                while (true)
                {
                    for (; seen < _lines.Count; seen++) if (match(_lines[seen])) return _lines[seen];
                    var left = until - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero || _process.HasExited) return null;
                    Monitor.Wait(_lines, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                }
            }
        }

        public int WaitForExit(TimeSpan timeout)
        {
            if (!_process.WaitForExit(timeout))
            {
                _process.Kill(entireProcessTree: true);
                throw new TimeoutException($"mortalhil did not finish within {timeout.TotalMinutes} min:\n{Output}");
            }
            _process.WaitForExit(); // the last lines
            return _process.ExitCode;
        }

        public void Dispose()
        {
            try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            _process.Dispose();
        }
    }
}
