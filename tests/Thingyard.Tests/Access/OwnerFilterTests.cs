// Keeps the access layer the only place that decides who owns what: a comparison of an account id (x.AccountId == ..,
// .. != accountId, join .. on x.AccountId equals ..) anywhere else in src fails this test, so a new query cannot filter
// by owner on its own and be forgotten when sharing and roles change the rule (see src/Thingyard/Access/AccessRules.cs).
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Thingyard.Tests.Access;

public sealed partial class OwnerFilterTests
{
    /// <summary>Where owner comparisons may appear, and why (the same list as the AccessRules header).</summary>
    static readonly (string Folder, string Why)[] Allowed =
    [
        ("src/Thingyard/Access/", "the access layer itself"),
        ("src/Thingyard/Accounts/", "accounts and AccessKeys themselves: which account a key belongs to, which account is the admin"),
    ];

    /// <summary>An account id (AccountId, accountId, ownerAccountId, ...) on either side of ==, != or a LINQ join's equals,
    /// or compared with Equals.</summary>
    [GeneratedRegex(@"\w*accountid\s*(==|!=|\bequals\b|\.\s*equals\s*\()|(==|!=|\bequals\b|\bequals\s*\()\s*[\w.]*accountid\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex OwnerComparison();

    static string Root([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    /// <summary>Every source line of src (build output and generated migrations left out) that compares an account id.</summary>
    static List<(string File, int Line, string Text)> Comparisons()
    {
        var root = Root();
        var found = new List<(string, int, string)>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var file = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (file.Contains("/obj/") || file.Contains("/bin/") || file.Contains("/Migrations/")) continue;
            var lines = File.ReadAllLines(path);
            for (var i = 0; i < lines.Length; i++)
            {
                var comment = lines[i].IndexOf("//", StringComparison.Ordinal);
                var code = comment < 0 ? lines[i] : lines[i][..comment];
                if (OwnerComparison().IsMatch(code)) found.Add((file, i + 1, lines[i].Trim()));
            }
        }
        return found;
    }

    [Fact]
    public void Owner_comparisons_appear_only_in_the_access_layer()
    {
        var outside = Comparisons().Where(c => !Allowed.Any(a => c.File.StartsWith(a.Folder, StringComparison.Ordinal))).ToList();

        Assert.True(outside.Count == 0,
            "Compare owners through src/Thingyard/Access (VisibleTo, FindVisibleAsync, IsVisibleTo, OwnedBy), not here:\n" +
            string.Join("\n", outside.Select(c => $"  {c.File}:{c.Line}: {c.Text}")));
    }

    [Fact]
    public void The_scan_finds_the_access_layers_own_comparisons()
    {
        // Guards the guard: a pattern or path that matched nothing would let every query through unnoticed.
        var inAccess = Comparisons().Where(c => c.File.StartsWith("src/Thingyard/Access/", StringComparison.Ordinal)).ToList();

        Assert.Contains(inAccess, c => c.Text.Contains("r.AccountId == accountId", StringComparison.Ordinal));
        Assert.Contains(inAccess, c => c.Text.Contains("row.AccountId == caller.AccountId", StringComparison.Ordinal));
        Assert.Matches(OwnerComparison(), "from c in db.Codes join a in db.Accounts on c.AccountId equals a.Id");
        Assert.Matches(OwnerComparison(), "if (sub.Identity.AccountId != u.Device.AccountId) return;");
        Assert.Matches(OwnerComparison(), "db.Devices.Where(d => accountId == d.OwnerAccountId)");
        Assert.Matches(OwnerComparison(), "d.AccountId.Equals(caller.AccountId)");
        Assert.DoesNotMatch(OwnerComparison(), "AccountId = caller.AccountId, ProductKey = key,");
    }
}
