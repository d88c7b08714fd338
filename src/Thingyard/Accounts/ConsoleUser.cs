// A person who signs in to the web console: an ASP.NET Core Identity user (password hash, lockout, security stamp are
// Identity's) that belongs to one account with one role there.
using Microsoft.AspNetCore.Identity;
using Thingyard.Access;

namespace Thingyard.Accounts;

public sealed class ConsoleUser : IdentityUser<long>, IAccountOwned
{
    public long AccountId { get; set; }
    public Role Role { get; set; } = Role.Viewer;
    public long CreatedAtMs { get; set; }
}
