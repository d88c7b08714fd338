// The platform operator: the role above accounts that reviews product releases and allocates activation codes. On a
// Thingyard instance that is the admin account (the first one, which creates the others), through its owners and
// admins or its AccessKeys.
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;

namespace Thingyard.Lifecycle;

public sealed class PlatformOperator(AccountAdmin accounts)
{
    public const string RefusedCode = "iot.common.RamActionPermissionDeny";

    public async Task<bool> IsOperatorAsync(Caller caller, CancellationToken ct = default) =>
        caller.Role is Role.Owner or Role.Admin && caller.Kind != CallerKind.Device && await accounts.IsAdminAsync(caller.AccountId, ct);

    /// <summary>The operator's account (where release submissions are announced).</summary>
    public Task<long> AccountIdAsync(CancellationToken ct = default) => accounts.AdminAccountIdAsync(ct);

    /// <summary>Refuses everyone but the platform operator.</summary>
    public async Task RequireAsync(Caller caller, CancellationToken ct = default)
    {
        if (!await IsOperatorAsync(caller, ct))
            throw new IotException(RefusedCode, "Only the platform operator (an owner or admin of the admin account) can do this.");
    }
}
