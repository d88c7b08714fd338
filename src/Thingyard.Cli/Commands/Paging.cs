// The --page and --page-size options the list commands share, and the line that says where in the list the user is.
using System.CommandLine;

namespace Thingyard.Cli.Commands;

public sealed class Paging
{
    public Option<int?> Page { get; } = new("--page") { Description = "Page number, from 1" };
    public Option<int?> PageSize { get; } = new("--page-size") { Description = "Items per page" };

    public void AddTo(Command command)
    {
        command.Options.Add(Page);
        command.Options.Add(PageSize);
    }

    public static string Footer(int page, int pageCount, int total, string noun) =>
        $"page {page} of {Math.Max(pageCount, 1)}, {total} {noun}{(total == 1 ? "" : "s")}";
}
