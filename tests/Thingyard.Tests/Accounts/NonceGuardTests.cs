// The replay guard on its own clock: a nonce is spent once per caller inside the window, forgotten after it, and a
// guard started later (a restart) still knows the nonces its ledger recorded.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Thingyard.Accounts;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Accounts;

public sealed class NonceGuardTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    (NonceGuard Guard, NonceLedger Ledger) NewGuard(ManualTime time)
    {
        var ledger = new NonceLedger(server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>(), server.Services.GetRequiredService<StorageHealth>(), time);
        return (new NonceGuard(time, ledger, NullLogger<NonceGuard>.Instance), ledger);
    }

    [Fact]
    public async Task A_nonce_is_spent_once_per_caller_inside_the_window()
    {
        var (guard, _) = NewGuard(new ManualTime());
        var nonce = Guid.NewGuid().ToString();
        Assert.True(await guard.TryUseAsync("LTAIone", nonce));
        Assert.False(await guard.TryUseAsync("LTAIone", nonce));
        Assert.True(await guard.TryUseAsync("LTAItwo", nonce)); // another AccessKey's nonces are its own
    }

    [Fact]
    public async Task A_nonce_is_forgotten_once_two_windows_have_passed()
    {
        var time = new ManualTime();
        var (guard, _) = NewGuard(time);
        var nonce = Guid.NewGuid().ToString();
        Assert.True(await guard.TryUseAsync("LTAIone", nonce));
        time.Now += NonceGuard.Window;
        Assert.False(await guard.TryUseAsync("LTAIone", nonce)); // a timestamp may run one window ahead
        time.Now += NonceGuard.Window + TimeSpan.FromMinutes(2);
        Assert.True(await guard.TryUseAsync("LTAIone", nonce));
    }

    [Fact]
    public async Task A_restarted_guard_still_refuses_what_its_ledger_recorded()
    {
        var time = new ManualTime();
        var (first, ledger) = NewGuard(time);
        var nonce = Guid.NewGuid().ToString();
        Assert.True(await first.TryUseAsync("LTAIone", nonce));
        await ledger.FlushAsync();

        var (second, _) = NewGuard(time);
        await second.LoadAsync();
        Assert.False(await second.TryUseAsync("LTAIone", nonce));
        Assert.True(await second.TryUseAsync("LTAIone", Guid.NewGuid().ToString()));
    }
}
