using System.CommandLine;
using MortalHil.Host.Boards;

namespace MortalHil.Host.Commands;

/// <summary><c>mortalhil boards</c>: lists the board spec forms this build understands.</summary>
public static class BoardsCommand
{
    public static Command Create()
    {
        var cmd = new Command("boards", "List the board spec forms (--board values) this build understands.");
        cmd.SetAction(_ =>
        {
            foreach (var u in BoardOpener.Usages) Console.WriteLine(u);
            return 0;
        });
        return cmd;
    }
}
