// Deletes spent nonces once they can no longer be replayed, so UsedNonces holds about half an hour of signed calls; at
// stop, waits for the nonces still being written.
using Thingyard.Accounts;

namespace Thingyard.Server.Accounts;

public sealed class NoncePruner(NonceLedger ledger, ILogger<NoncePruner> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try { await ledger.PruneAsync(stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Pruning spent nonces failed; the next run tries again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { } // a stop, not a failure
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ledger.FlushAsync().WaitAsync(cancellationToken);
    }
}
