// A product's way to release: its owner confirms the information and submits (ReleaseProduct) once the seed's checks
// pass; the platform operator approves or rejects with a reason; the owner's inbox hears of it. Released, the thing
// model and panel are locked until CancelReleaseProduct. Every step is kept in the audit trail (ReleaseRecord).
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Distribution;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Lifecycle;

public sealed record ReleaseCheck(string Step, bool Passed, string Detail);

public sealed record PendingRelease(Product Product, string AccountUid, string AccountName, long SubmittedAtMs, string SubmittedBy, string? Waiver);

public sealed class ProductReleases(ThingyardDb db, ProductRegistry products, DebugChecklist checklist, ProductPanels panels,
    PlatformOperator platform, TimeProvider time)
{
    public const string DevelopmentStatus = "DEVELOPMENT_STATUS";
    public const string ReleaseStatus = "RELEASE_STATUS";
    public const string SubmittedKind = "release.submitted";
    public const string DecidedKind = "release.decided";

    /// <summary>The seed's first check: the owner confirms the product's information is final.</summary>
    public async Task<Product> ConfirmInfoAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        product.InfoConfirmedAtMs = Now();
        await db.SaveChangesAsync(ct);
        return product;
    }

    /// <summary>What a submission is checked for, each with what is missing.</summary>
    public async Task<List<ReleaseCheck>> ChecksAsync(Product product, string? waiver, CancellationToken ct = default)
    {
        var checks = new List<ReleaseCheck>
        {
            new("information", product.InfoConfirmedAtMs is not null,
                product.InfoConfirmedAtMs is not null ? "confirmed" : "the product information is not confirmed (ConfirmProductInfo)"),
        };
        var published = await db.ThingModels.AnyAsync(m => m.ProductId == product.Id && m.Version != null, ct);
        checks.Add(new("thing model", published, published ? "published" : "the thing model is not published (PublishThingModel)"));
        if (!published)
        {
            checks.Add(new("panel", false, "a panel needs a published thing model"));
            checks.Add(new("debugging", false, "debugging needs a published thing model"));
            return checks;
        }
        var problems = await panels.ProblemsAsync(product, ct);
        checks.Add(new("panel", problems.Count == 0, problems.Count == 0 ? "configured" : "panel: " + string.Join("; ", problems)));
        var list = await checklist.ForAsync(product, ct);
        var missing = list.Missing.Select(i => $"{i.Kind} {i.Identifier}").ToList();
        checks.Add(missing.Count == 0 ? new("debugging", true, "every feature seen")
            : !string.IsNullOrWhiteSpace(waiver) ? new("debugging", true, $"waived ({waiver.Trim()}); not seen: {string.Join(", ", missing)}")
            : new("debugging", false, "not yet seen from a device: " + string.Join(", ", missing) + " (or waive the checklist with a reason)"));
        return checks;
    }

    /// <summary>ReleaseProduct: submits for review once every check passes (the checklist may be waived with a reason).</summary>
    public async Task<List<ReleaseCheck>> SubmitAsync(Caller caller, string productKey, string? waiver, CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        if (product.ReleaseState == ReleaseStates.Pending)
            throw new IotException(IotErrors.ReleaseState, $"Product {productKey} is already waiting for review.");
        if (product.ReleaseState == ReleaseStates.Released)
            throw new IotException(IotErrors.ReleaseState, $"Product {productKey} is already released.");
        if (waiver is { Length: > 500 }) throw IotException.Invalid("WaiveReason must be at most 500 characters.");
        var checks = await ChecksAsync(product, waiver, ct);
        if (checks.FirstOrDefault(c => !c.Passed) is not null)
            throw new IotException(IotErrors.ReleaseChecksFailed,
                $"Product {productKey} cannot be submitted for release: " + string.Join("; ", checks.Where(c => !c.Passed).Select(c => c.Detail)) + ".");
        product.ReleaseState = ReleaseStates.Pending;
        var actor = await Actors.DescribeAsync(db, caller, ct);
        Record(product, ReleaseActions.Submitted, actor, string.IsNullOrWhiteSpace(waiver) ? null : "checklist waived: " + waiver.Trim());
        Notify(await platform.AccountIdAsync(ct), SubmittedKind, $"Product {product.Name} ({product.ProductKey}) was submitted for release by {actor}; review it in the release queue.");
        await db.SaveChangesAsync(ct);
        return checks;
    }

    /// <summary>CancelReleaseProduct: a pending submission is withdrawn, a released product returns to development.</summary>
    public async Task CancelAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        var action = product.ReleaseState switch
        {
            ReleaseStates.Pending => ReleaseActions.Withdrawn,
            ReleaseStates.Released => ReleaseActions.Cancelled,
            _ => throw new IotException(IotErrors.ReleaseState, $"Product {productKey} is neither released nor waiting for review."),
        };
        product.ReleaseState = ReleaseStates.Development;
        product.ProductStatus = DevelopmentStatus;
        Record(product, action, await Actors.DescribeAsync(db, caller, ct), null);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The operator's decision on a pending submission; a rejection needs a reason.</summary>
    public async Task DecideAsync(Caller caller, string productKey, bool approve, string? reason, CancellationToken ct = default)
    {
        await platform.RequireAsync(caller, ct);
        if (!approve && string.IsNullOrWhiteSpace(reason)) throw IotException.Invalid("A rejection needs a Reason the developer can act on.");
        if (reason is { Length: > 500 }) throw IotException.Invalid("Reason must be at most 500 characters.");
        // The operator reviews every account's submissions: the queue is the one place that reads across accounts.
        var product = await db.Products.FirstOrDefaultAsync(p => p.ProductKey == productKey && p.ReleaseState == ReleaseStates.Pending, ct)
            ?? throw new IotException(IotErrors.ReleaseNotPending, $"Product {productKey} is not waiting for review.");
        product.ReleaseState = approve ? ReleaseStates.Released : ReleaseStates.Rejected;
        product.ProductStatus = approve ? ReleaseStatus : DevelopmentStatus;
        Record(product, approve ? ReleaseActions.Approved : ReleaseActions.Rejected, await Actors.DescribeAsync(db, caller, ct), reason?.Trim());
        Notify(product.AccountId, DecidedKind, approve
            ? $"Product {product.Name} ({product.ProductKey}) is released: its thing model and panel are locked, and mass production is open."
            : $"The release of product {product.Name} ({product.ProductKey}) was rejected: {reason!.Trim()}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The operator's queue: every account's pending submissions, oldest first.</summary>
    public async Task<List<PendingRelease>> QueueAsync(Caller caller, CancellationToken ct = default)
    {
        await platform.RequireAsync(caller, ct);
        var rows = await (from p in db.Products.AsNoTracking()
                          where p.ReleaseState == ReleaseStates.Pending
                          let submitted = db.ReleaseRecords.Where(r => r.ProductId == p.Id && r.Action == ReleaseActions.Submitted)
                              .OrderByDescending(r => r.Id).FirstOrDefault()
                          select new { Product = p, submitted }).ToListAsync(ct);
        var result = new List<PendingRelease>();
        foreach (var row in rows.OrderBy(r => r.submitted?.AtMs))
        {
            var account = await db.Accounts.OwnerOf(row.Product).AsNoTracking().FirstAsync(ct);
            result.Add(new PendingRelease(row.Product, account.Uid, account.Name, row.submitted?.AtMs ?? 0, row.submitted?.Actor ?? "", row.submitted?.Reason));
        }
        return result;
    }

    /// <summary>The audit trail of one product, newest first.</summary>
    public async Task<List<ReleaseRecord>> HistoryAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        return await db.ReleaseRecords.AsNoTracking().Where(r => r.ProductId == product.Id).OrderByDescending(r => r.Id).ToListAsync(ct);
    }

    void Record(Product product, string action, string actor, string? reason) => db.ReleaseRecords.Add(new ReleaseRecord
    {
        AccountId = product.AccountId, ProductId = product.Id, Action = action, Actor = actor, Reason = reason, AtMs = Now(),
    });

    void Notify(long accountId, string kind, string message) =>
        db.Notifications.Add(new Notification { AccountId = accountId, Kind = kind, Message = message, CreatedAtMs = Now() });

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
