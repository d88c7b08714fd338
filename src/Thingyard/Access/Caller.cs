// Who is asking: the account a request acts for, and how that was proven. Handlers build one Caller per request
// (RpcCall.Caller, RestAuthFilter.CallerOf) and pass it down; registries and services decide with it through
// AccessRules, never by comparing account ids themselves.
//
// Today a caller is an account, proven by one of its AccessKeys (signed RPC or REST Basic), or a device acting for its
// account with its own secret (a gateway naming its sub-devices). The issues after this one extend the record, not its
// call sites (new members get defaults, so Caller.Account(id) and every signature that takes a Caller stay as they are):
//   - console users: a UserId beside the AccountId they act in;
//   - roles: a Role that AccessRules consults before a change (read-only users, operators, admins);
//   - grants: the devices and products other accounts shared with this account, loaded once when the caller is
//     authenticated, so that both the query filter and the in-memory check (cached devices) can admit them.
using Thingyard.Connectivity;

namespace Thingyard.Access;

/// <summary>How a caller proved who it is.</summary>
public enum CallerKind
{
    /// <summary>An AccessKey of the account: the RPC OpenAPI (signed) or the REST API (Basic).</summary>
    AccessKey,
    /// <summary>A device's own secret (a gateway acting on sub-devices of its account).</summary>
    Device,
}

public sealed record Caller(long AccountId, CallerKind Kind = CallerKind.AccessKey)
{
    /// <summary>An account calling with one of its AccessKeys.</summary>
    public static Caller Account(long accountId) => new(accountId, CallerKind.AccessKey);

    /// <summary>A connected device (a gateway) acting for its account.</summary>
    public static Caller Device(DeviceIdentity device) => new(device.AccountId, CallerKind.Device);
}
