// Runs batch registration jobs in the background, one at a time, and resumes unfinished ones after a restart. In a
// cluster only the leading node runs them: it looks for unfinished jobs in the table every few seconds (those created
// through other nodes, and those of a leader that died), and a job is resumed where it stopped.
using System.Threading.Channels;
using Thingyard.Registry;
using Thingyard.Server.Cluster;

namespace Thingyard.Server.Registry;

public sealed class BatchRegistrationWorker(IServiceScopeFactory scopes, Leadership leadership, Connectivity.IClusterSessions cluster,
    ILogger<BatchRegistrationWorker> log) : BackgroundService
{
    readonly Channel<long> _queue = Channel.CreateUnbounded<long>();

    public void Enqueue(long applyId) => _queue.Writer.TryWrite(applyId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await RunAsync(stoppingToken); }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { } // a stop, not a failure
    }

    async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!cluster.Enabled) await EnqueuePendingAsync(stoppingToken);
        while (true)
        {
            if (cluster.Enabled)
            {
                // Whatever was queued here is in the table: the leader finds it there.
                while (_queue.Reader.TryRead(out _)) { }
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
                if (!leadership.Leads) continue;
                await EnqueuePendingAsync(stoppingToken);
                while (_queue.Reader.TryRead(out var id) && leadership.Leads) await RunOneAsync(id, stoppingToken);
                continue;
            }
            await RunOneAsync(await _queue.Reader.ReadAsync(stoppingToken), stoppingToken);
        }
    }

    async Task EnqueuePendingAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        foreach (var id in await scope.ServiceProvider.GetRequiredService<BatchRegistrar>().PendingAsync(stoppingToken)) Enqueue(id);
    }

    async Task RunOneAsync(long applyId, CancellationToken stoppingToken)
    {
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<BatchRegistrar>().RunAsync(applyId, stoppingToken);
                log.LogInformation("Batch registration {ApplyId} finished", applyId);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Batch registration {ApplyId} failed; it stays queued for the next start", applyId);
            }
        }
    }
}
