// `thingyard keys` and `thingyard users` run in-process against a live server: what they print, that a disabled key is
// refused from the next command on, and how they fail.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cli;

public sealed class AccessCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>The value of a "Key: value" line of human output.</summary>
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    static string Row(string output, string start) => output.Split('\n').Single(l => l.StartsWith(start, StringComparison.Ordinal));

    [Fact]
    public async Task Keys_are_created_listed_disabled_enabled_and_deleted_and_a_disabled_key_is_refused()
    {
        var account = await server.NewAccountAsync("clikeys");
        var env = CliRun.Environment(server, account);

        var created = await CliRun.RunAsync(env, "keys", "create");
        Assert.True(created.Code == 0, created.Err);
        var id = Field(created.Out, "accessKeyId");
        var secret = Field(created.Out, "accessKeySecret");
        Assert.Contains("never shows it again", created.Err);

        var list = await CliRun.RunAsync(env, "keys", "list");
        Assert.Equal(0, list.Code);
        Assert.StartsWith("ACCESS KEY ID", list.Out);
        Assert.Contains("enabled", Row(list.Out, id));
        Assert.Contains(account.AccessKeyId, list.Out);
        Assert.DoesNotContain(secret, list.Out);

        var asNew = CliRun.Environment(server, new TestAccount(account.AccountUid, id, secret));
        Assert.Equal(0, (await CliRun.RunAsync(asNew, "product", "list")).Code);
        var disabled = await CliRun.RunAsync(env, "keys", "disable", id);
        Assert.Equal(0, disabled.Code);
        Assert.Equal($"disabled AccessKey {id}\n", disabled.Out.Replace("\r", ""));
        Assert.Contains("disabled", Row((await CliRun.RunAsync(env, "keys", "list")).Out, id));
        var refused = await CliRun.RunAsync(asNew, "keys", "list");
        Assert.Equal(1, refused.Code);
        Assert.StartsWith("error: Unauthorized", refused.Err);

        Assert.Equal(0, (await CliRun.RunAsync(env, "keys", "enable", id)).Code);
        Assert.Equal(0, (await CliRun.RunAsync(asNew, "keys", "list")).Code);
        Assert.Equal(0, (await CliRun.RunAsync(env, "keys", "delete", id)).Code);
        Assert.DoesNotContain(id, (await CliRun.RunAsync(env, "keys", "list")).Out);
        var gone = await CliRun.RunAsync(env, "keys", "delete", id);
        Assert.Equal(1, gone.Code);
        Assert.StartsWith("error: iot.accesskey.NotExistedAccessKey", gone.Err);

        var json = await CliRun.RunAsync(env, "keys", "list", "--json");
        Assert.Equal(account.AccessKeyId, json.Json[0].GetProperty("accessKeyId").GetString());
    }

    [Fact]
    public async Task Users_are_added_given_a_role_by_name_and_removed_and_bad_ones_are_refused()
    {
        var account = await server.NewAccountAsync("cliusers");
        var env = CliRun.Environment(server, account);
        var name = RegistryCalls.Unique("bob");

        var added = await CliRun.RunAsync(env, "users", "add", name, "--password", "bob-password-01", "--role", "viewer");
        Assert.True(added.Code == 0, added.Err);
        Assert.Equal(name, Field(added.Out, "userName"));
        Assert.Equal("viewer", Field(added.Out, "role"));
        var id = Field(added.Out, "id");

        var list = await CliRun.RunAsync(env, "users", "list");
        Assert.StartsWith("ID", list.Out);
        var row = Row(list.Out, id);
        Assert.Contains(name, row);
        Assert.Contains("viewer", row);
        Assert.Contains("active", row);

        var role = await CliRun.RunAsync(env, "users", "role", name, "developer");
        Assert.Equal(0, role.Code);
        Assert.Equal($"{name} is now developer\n", role.Out.Replace("\r", ""));
        Assert.Equal(0, (await CliRun.RunAsync(env, "users", "role", id, "admin")).Code);
        Assert.Contains("admin", Row((await CliRun.RunAsync(env, "users", "list")).Out, id));

        Assert.Equal(0, (await CliRun.RunAsync(env, "users", "remove", name)).Code);
        Assert.DoesNotContain(name, (await CliRun.RunAsync(env, "users", "list")).Out);

        var nobody = await CliRun.RunAsync(env, "users", "role", "nobody_here", "viewer");
        Assert.Equal(1, nobody.Code);
        Assert.Equal("error: no user named nobody_here\n", nobody.Err.Replace("\r", ""));
        var badRole = await CliRun.RunAsync(env, "users", "add", RegistryCalls.Unique("eve"), "--password", "eve-password-01", "--role", "emperor");
        Assert.Equal(2, badRole.Code);
        var shortPassword = await CliRun.RunAsync(env, "users", "add", RegistryCalls.Unique("eve"), "--password", "short");
        Assert.Equal(1, shortPassword.Code);
        Assert.Contains("at least 10 characters", shortPassword.Err);
        // Another account's user (the admin's first user, id 1) does not exist for this account.
        var foreign = await CliRun.RunAsync(env, "users", "remove", "1");
        Assert.Equal(1, foreign.Code);
        Assert.StartsWith("error: iot.user.NotExistedUser", foreign.Err);
    }
}
