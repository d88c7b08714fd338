// `thingyard keys list|create|disable|enable|delete` and `thingyard users list|add|role|remove`: the account's AccessKeys
// and console users, through the REST API (/api/v1/accounts/me/access-keys and /users, HTTP Basic with the configured
// key, which acts as the account's owner). The same as the console's AccessKeys and Users pages.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;

namespace Thingyard.Cli.Commands;

public static class AccessCommands
{
    const string Keys = "/api/v1/accounts/me/access-keys";
    const string Users = "/api/v1/accounts/me/users";
    static readonly string[] Roles = ["owner", "admin", "developer", "viewer", "operator"];

    public static Command KeyCommands(CliContext cli) => new("keys", "Manage the account's AccessKeys (for the OpenAPI, the REST API and this command)")
    {
        ListKeys(cli), CreateKey(cli), SetKey(cli, "disable", false), SetKey(cli, "enable", true), DeleteKey(cli),
    };

    public static Command UserCommands(CliContext cli) => new("users", "Manage the account's console users and their roles")
    {
        ListUsers(cli), AddUser(cli), SetRole(cli), RemoveUser(cli),
    };

    static Argument<string> KeyId() => new("ACCESS_KEY_ID") { Description = "AccessKeyId" };

    static Command ListKeys(CliContext cli)
    {
        var command = new Command("list", "List the account's AccessKeys (never their secrets)");
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var keys = await session.GetJsonAsync(Keys, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, keys);
            else Table.Write(cli.Out, ["ACCESS KEY ID", "STATUS", "CREATED (UTC)"], keys.EnumerateArray().Select(k => (IReadOnlyList<string>)
            [
                k.GetProperty("accessKeyId").GetString()!, k.GetProperty("enabled").GetBoolean() ? "enabled" : "disabled", JsonText.UtcTime(k.GetProperty("createdAtMs")),
            ]).ToList());
        }));
        return command;
    }

    static Command CreateKey(CliContext cli)
    {
        var command = new Command("create", "Create an AccessKey; its secret is printed this once and cannot be shown again");
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var key = await session.SendJsonAsync(HttpMethod.Post, Keys, null, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, key);
            else
            {
                Fields.Write(cli.Out, key, "accessKeyId", "accessKeySecret", "accountUid");
                cli.Err.WriteLine("Keep the secret now: the server stores it sealed and never shows it again.");
            }
        }));
        return command;
    }

    static Command SetKey(CliContext cli, string verb, bool enabled)
    {
        var id = KeyId();
        var command = new Command(verb, enabled ? "Enable a disabled AccessKey" : "Disable an AccessKey: calls signed with it are refused from the next one on")
        {
            id,
        };
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var key = await session.SendJsonAsync(HttpMethod.Patch, $"{Keys}/{Uri.EscapeDataString(r.GetValue(id)!)}", new { enabled }, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, key);
            else cli.Out.WriteLine($"{verb}d AccessKey {r.GetValue(id)}");
        }));
        return command;
    }

    static Command DeleteKey(CliContext cli)
    {
        var id = KeyId();
        var command = new Command("delete", "Delete an AccessKey for good") { id };
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            await session.SendAsync(HttpMethod.Delete, $"{Keys}/{Uri.EscapeDataString(r.GetValue(id)!)}", null, ct);
            cli.Out.WriteLine($"deleted AccessKey {r.GetValue(id)}");
        }));
        return command;
    }

    static Command ListUsers(CliContext cli)
    {
        var command = new Command("list", "List the account's console users");
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var users = await session.GetJsonAsync(Users, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, users);
            else Table.Write(cli.Out, ["ID", "USER", "ROLE", "STATUS", "CREATED (UTC)"], users.EnumerateArray().Select(u => (IReadOnlyList<string>)
            [
                JsonText.Scalar(u.GetProperty("id")), u.GetProperty("userName").GetString()!, u.GetProperty("role").GetString()!,
                u.GetProperty("lockedOut").GetBoolean() ? "locked out" : "active", JsonText.UtcTime(u.GetProperty("createdAt")),
            ]).ToList());
        }));
        return command;
    }

    static Option<string> RoleOption(bool required) => new Option<string>("--role")
    {
        Description = "owner, admin, developer, viewer or operator", Required = required,
    }.AcceptingOnly(Roles);

    static Command AddUser(CliContext cli)
    {
        var name = new Argument<string>("USER") { Description = "The new user's name (what they sign in with)" };
        var password = new Option<string>("--password") { Description = "Their first password, 10 characters or more", Required = true };
        var role = RoleOption(required: false);
        role.DefaultValueFactory = _ => "developer";
        var command = new Command("add", "Add a console user with a role (developer unless --role says otherwise)") { name, password, role };
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var user = await session.SendJsonAsync(HttpMethod.Post, Users,
                new { userName = r.GetValue(name), password = r.GetValue(password), role = r.GetValue(role) }, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, user);
            else Fields.Write(cli.Out, user, "id", "userName", "role");
        }));
        return command;
    }

    static Argument<string> UserArgument() => new("USER") { Description = "The user's name or id (as `thingyard users list` shows)" };

    static Command SetRole(CliContext cli)
    {
        var user = UserArgument();
        var role = new Argument<string>("ROLE") { Description = "owner, admin, developer, viewer or operator" };
        role.AcceptOnlyFromAmong(Roles);
        var command = new Command("role", "Give a console user another role") { user, role };
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var id = await UserIdAsync(session, r.GetValue(user)!, ct);
            var changed = await session.SendJsonAsync(HttpMethod.Patch, $"{Users}/{id}", new { role = r.GetValue(role) }, ct);
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, changed);
            else cli.Out.WriteLine($"{changed.GetProperty("userName").GetString()} is now {changed.GetProperty("role").GetString()}");
        }));
        return command;
    }

    static Command RemoveUser(CliContext cli)
    {
        var user = UserArgument();
        var command = new Command("remove", "Remove a console user") { user };
        command.SetAction((r, ct) => Rest(cli, r, async session =>
        {
            var id = await UserIdAsync(session, r.GetValue(user)!, ct);
            await session.SendAsync(HttpMethod.Delete, $"{Users}/{id}", null, ct);
            cli.Out.WriteLine($"removed user {r.GetValue(user)}");
        }));
        return command;
    }

    /// <summary>A user named exactly so, else a number taken as the id; anything else is "no such user".</summary>
    static async Task<long> UserIdAsync(CliSession session, string user, CancellationToken ct)
    {
        var users = await session.GetJsonAsync(Users, ct);
        foreach (var u in users.EnumerateArray())
            if (u.GetProperty("userName").GetString() == user) return u.GetProperty("id").GetInt64();
        return long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new CliException($"no user named {user}");
    }

    static Task<int> Rest(CliContext cli, ParseResult r, Func<CliSession, Task> body) => cli.RunAsync(async () =>
    {
        using var session = new CliSession(cli, r);
        await body(session);
    });

    static Option<string> AcceptingOnly(this Option<string> option, string[] values)
    {
        option.AcceptOnlyFromAmong(values);
        return option;
    }
}
