// A clock the test moves by hand, for expiry without waiting.
namespace Thingyard.Tests.Infrastructure;

public sealed class ManualTime : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;
    public override DateTimeOffset GetUtcNow() => Now;
}
