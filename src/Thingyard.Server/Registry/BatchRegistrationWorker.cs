// Runs batch registration jobs in the background, one at a time, and resumes unfinished ones after a restart.
using System.Threading.Channels;
using Thingyard.Registry;

namespace Thingyard.Server.Registry;

public sealed class BatchRegistrationWorker(IServiceScopeFactory scopes, ILogger<BatchRegistrationWorker> log) : BackgroundService
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
        await using (var scope = scopes.CreateAsyncScope())
            foreach (var id in await scope.ServiceProvider.GetRequiredService<BatchRegistrar>().PendingAsync(stoppingToken))
                Enqueue(id);

        await foreach (var applyId in _queue.Reader.ReadAllAsync(stoppingToken))
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
