// Who is asking: the account a request acts for, and how that was proven. Handlers build one Caller per request
// (RpcCall.Caller, RestAuthFilter.CallerOf) and pass it down; registries and services decide with it through
// AccessRules, never by comparing account ids themselves.
//
// A caller is an account, proven by one of its AccessKeys (signed RPC or REST Basic, acting as the owner), a device
// acting for its account with its own secret (a gateway naming its sub-devices), or a console user signed in with a
// password, with the Role it has in its account (Permissions decides what a role may do). Its Grants are what other
// accounts authorized to its account (projects, each with a role), loaded once per request by GrantDirectory so that
// both the query filter and the in-memory check (cached devices) admit them.
using Thingyard.Connectivity;

namespace Thingyard.Access;

/// <summary>How a caller proved who it is.</summary>
public enum CallerKind
{
    /// <summary>An AccessKey of the account: the RPC OpenAPI (signed) or the REST API (Basic).</summary>
    AccessKey,
    /// <summary>A device's own secret (a gateway acting on sub-devices of its account).</summary>
    Device,
    /// <summary>A person signed in to the web console.</summary>
    ConsoleUser,
}

public sealed record Caller(long AccountId, CallerKind Kind = CallerKind.AccessKey, Role Role = Role.Owner, long? UserId = null)
{
    /// <summary>Projects other accounts authorized to this caller's account (none until GrantDirectory adds them).</summary>
    public Grants Grants { get; init; } = Grants.None;

    /// <summary>An account calling with one of its AccessKeys.</summary>
    public static Caller Account(long accountId) => new(accountId, CallerKind.AccessKey);

    /// <summary>A connected device (a gateway) acting for its account.</summary>
    public static Caller Device(DeviceIdentity device) => new(device.AccountId, CallerKind.Device);

    /// <summary>A console user acting in their account with their role.</summary>
    public static Caller User(long accountId, long userId, Role role) => new(accountId, CallerKind.ConsoleUser, role, userId);
}
