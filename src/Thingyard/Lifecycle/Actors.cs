// Who did something, as the audit trail and version lists show it: a console user's name, or the account an AccessKey
// belongs to (a signed call carries no person).
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Storage;

namespace Thingyard.Lifecycle;

public static class Actors
{
    public static async Task<string> DescribeAsync(ThingyardDb db, Caller caller, CancellationToken ct = default)
    {
        if (caller.UserId is { } userId && await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct) is { } name)
            return name;
        var uid = await db.Accounts.Of(caller).Select(a => a.Uid).FirstAsync(ct);
        return $"AccessKey of account {uid}";
    }
}
