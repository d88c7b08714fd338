// The intelligent guidance assistant: where a product stands in the seed's development flow, step by step, and what
// still blocks its release.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Lifecycle;

public sealed record ProgressStep(string Step, bool Done, string Detail);

public sealed record Progress(string ProductKey, string ReleaseState, IReadOnlyList<ProgressStep> Steps, IReadOnlyList<string> Blocking);

public sealed class DevelopmentProgress(ThingyardDb db, ProductRegistry products, ProductReleases releases)
{
    public async Task<Progress> ForAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        var checks = await releases.ChecksAsync(product, null, ct);
        bool Passed(string step) => checks.First(c => c.Step == step).Passed;
        string Detail(string step) => checks.First(c => c.Step == step).Detail;
        var batches = await db.ProductionBatches.CountAsync(b => b.ProductId == product.Id, ct);
        var released = product.ReleaseState == ReleaseStates.Released;
        var steps = new List<ProgressStep>
        {
            new("product", true, "created"),
            new("information", Passed("information"), Detail("information")),
            new("features", Passed("thing model"), Detail("thing model")),
            new("panel", Passed("panel"), Detail("panel")),
            new("module", product.ModuleId is not null, product.ModuleId is not null ? product.ModuleId : "no certified module or chip chosen (optional)"),
            new("debugging", Passed("debugging"), Detail("debugging")),
            new("release", released, product.ReleaseState switch
            {
                ReleaseStates.Pending => "waiting for the platform's review",
                ReleaseStates.Rejected => "rejected; fix what the review said and submit again",
                ReleaseStates.Released => "released",
                _ => "not submitted",
            }),
            new("production", batches > 0, batches > 0 ? $"{batches} production batch(es)" : released ? "no production batch yet" : "opens once released"),
        };
        var blocking = released || product.ReleaseState == ReleaseStates.Pending ? [] : checks.Where(c => !c.Passed).Select(c => c.Detail).ToList();
        return new Progress(product.ProductKey, product.ReleaseState, steps, blocking);
    }
}
