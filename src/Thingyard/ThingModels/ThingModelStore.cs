// A product's thing models: the editable draft per module, publishing it as a version, and reading any version back.
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Protocol.Tsl;

namespace Thingyard.ThingModels;

public sealed partial class ThingModelStore(ThingyardDb db, TimeProvider time, ThingModelChanges changes)
{
    public const int VersionsKept = 10;

    [GeneratedRegex(@"^[A-Za-z0-9_.]{1,16}$")]
    private static partial Regex VersionPattern();

    public async Task<ThingModel> DraftAsync(Product product, string functionBlockId, CancellationToken ct = default)
    {
        var row = await DraftRowAsync(product, functionBlockId, ct);
        return row is null ? ThingModelDraft.Empty : TslParser.Parse(row.TslJson);
    }

    public Task AddFeaturesAsync(Product product, string functionBlockId, string? functionBlockName, string json, CancellationToken ct = default) =>
        EditAsync(product, functionBlockId, functionBlockName, current => ThingModelDraft.AddFeatures(current, json), ct);

    public Task ReplaceFeatureAsync(Product product, string functionBlockId, string identifier, string json, CancellationToken ct = default) =>
        EditAsync(product, functionBlockId, null, current => ThingModelDraft.ReplaceFeature(current, identifier, json), ct);

    public Task RemoveFeaturesAsync(Product product, string functionBlockId, IReadOnlyList<string> identifiers, CancellationToken ct = default) =>
        EditAsync(product, functionBlockId, null, current => ThingModelDraft.RemoveFeatures(current, identifiers), ct);

    /// <summary>Adds standard features of a thing template to the draft; an identifier already there is refused.</summary>
    public Task AddTemplateFeaturesAsync(Product product, string functionBlockId, ThingModel features, CancellationToken ct = default)
        => EditAsync(product, functionBlockId, null, current => ThingModelDraft.AddFeatures(current, features), ct);

    /// <summary>
    /// CopyThingModel: the source's published version (every module of it) becomes the target's draft, replacing the
    /// target's drafts. Like the platform, only between products of the same category, and never into a released product.
    /// </summary>
    public async Task CopyAsync(Product source, string version, Product target, CancellationToken ct = default)
    {
        EnsureEditable(target);
        if (source.CategoryKey != target.CategoryKey)
            throw new IotException(IotErrors.CategoryMismatch,
                $"Product {source.ProductKey} ({source.CategoryKey ?? "no category"}) and product {target.ProductKey} " +
                $"({target.CategoryKey ?? "no category"}) are of different categories; a thing model is copied only within a category.");
        await PublishedRowAsync(source, "", version, ct); // the version must exist
        var modules = await db.ThingModels.Where(m => m.ProductId == source.Id && m.Version == version).ToListAsync(ct);
        var drafts = await db.ThingModels.Where(m => m.ProductId == target.Id && m.Version == null).ToDictionaryAsync(m => m.FunctionBlockId, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // One SaveChanges: drafts of the same module are rewritten in place, the target's other modules dropped.
        foreach (var module in modules)
        {
            var tsl = TslWriter.ToTslJson(TslParser.Parse(module.TslJson), target.ProductKey);
            if (drafts.Remove(module.FunctionBlockId, out var draft))
            {
                draft.TslJson = tsl;
                draft.FunctionBlockName = module.FunctionBlockName;
            }
            else
            {
                db.ThingModels.Add(new ThingModelRevision
                {
                    ProductId = target.Id, FunctionBlockId = module.FunctionBlockId, FunctionBlockName = module.FunctionBlockName,
                    TslJson = tsl, CreatedAtMs = now,
                });
            }
        }
        db.ThingModels.RemoveRange(drafts.Values);
        await db.SaveChangesAsync(ct);
        changes.Publish(target.Id);
    }

    /// <summary>ImportThingModelTsl: the whole draft is replaced by the given TSL once it validates.</summary>
    /// <summary>The platform's limit on an imported TSL document.</summary>
    public const int MaxImportBytes = 512 * 1024;

    public Task ImportAsync(Product product, string functionBlockId, string tslJson, CancellationToken ct = default) =>
        EditAsync(product, functionBlockId, null, _ =>
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(tslJson);
            return bytes > MaxImportBytes
                ? throw new TslValidationException([$"$: the TSL document is {bytes:N0} bytes; at most {MaxImportBytes:N0} (512 KB) can be imported"])
                : TslParser.Parse(tslJson);
        }, ct);

    /// <summary>Publishes every module's draft under one version label; only the newest versions are kept.</summary>
    public async Task<string> PublishAsync(Product product, string? version, string? description, CancellationToken ct = default)
    {
        EnsureEditable(product);
        var drafts = await db.ThingModels.Where(m => m.ProductId == product.Id && m.Version == null).ToListAsync(ct);
        if (drafts.Count == 0) drafts.Add(new ThingModelRevision { ProductId = product.Id, TslJson = TslWriter.ToTslJson(ThingModelDraft.Empty, product.ProductKey) });
        var versions = await db.ThingModels.Where(m => m.ProductId == product.Id && m.Version != null)
            .Select(m => new { m.Version, m.CreatedAtMs }).Distinct().ToListAsync(ct);
        if (version is null)
            version = $"{versions.Count + 1}.0";
        else if (!VersionPattern().IsMatch(version))
            throw IotException.Invalid("ModelVersion must be 1 to 16 characters from letters, digits, '.' and '_'.");
        if (versions.Any(v => v.Version == version))
            throw IotException.Invalid($"ModelVersion '{version}' was already published.");

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var draft in drafts)
            db.ThingModels.Add(new ThingModelRevision
            {
                ProductId = product.Id, FunctionBlockId = draft.FunctionBlockId, FunctionBlockName = draft.FunctionBlockName,
                Version = version, TslJson = draft.TslJson, Description = description, CreatedAtMs = now,
            });
        var stale = versions.OrderByDescending(v => v.CreatedAtMs).Skip(VersionsKept - 1).Select(v => v.Version).ToList();
        await db.ThingModels.Where(m => m.ProductId == product.Id && stale.Contains(m.Version)).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
        return version;
    }

    /// <summary>The draft TSL, or a published version's (the latest when no version is named).</summary>
    public async Task<string> TslAsync(Product product, string functionBlockId, bool published, string? version, CancellationToken ct = default)
    {
        if (!published && version is null)
            return TslWriter.ToTslJson(await DraftAsync(product, functionBlockId, ct), product.ProductKey);
        var row = await PublishedRowAsync(product, functionBlockId, version, ct);
        return row.TslJson;
    }

    public async Task<ThingModel> PublishedAsync(Product product, string functionBlockId, string? version, CancellationToken ct = default) =>
        TslParser.Parse((await PublishedRowAsync(product, functionBlockId, version, ct)).TslJson);

    public Task<List<ThingModelRevision>> VersionsAsync(Product product, CancellationToken ct = default) =>
        db.ThingModels.Where(m => m.ProductId == product.Id && m.Version != null && m.FunctionBlockId == "")
            .OrderByDescending(m => m.CreatedAtMs).ToListAsync(ct);

    async Task<ThingModelRevision> PublishedRowAsync(Product product, string functionBlockId, string? version, CancellationToken ct)
    {
        var query = db.ThingModels.Where(m => m.ProductId == product.Id && m.FunctionBlockId == functionBlockId && m.Version != null);
        if (version is not null) query = query.Where(m => m.Version == version);
        return await query.OrderByDescending(m => m.CreatedAtMs).ThenByDescending(m => m.Id).FirstOrDefaultAsync(ct)
            ?? (version is null
                ? throw new IotException(IotErrors.TslNotPublished, $"The product '{product.ProductKey}' has no published thing model.")
                : throw new IotException(IotErrors.TslVersionNotFound, $"Thing model version '{version}' does not exist."));
    }

    /// <summary>A product received by distribution is read-only; a released product's model is locked until its release
    /// is cancelled (the platform refuses the same edits after ReleaseProduct).</summary>
    public static void EnsureEditable(Product product)
    {
        ProductRegistry.NotACopy(product);
        if (product.ReleaseState == ReleaseStates.Released)
            throw new IotException(IotErrors.ProductReleased,
                $"Product {product.ProductKey} is released; its thing model is locked. Cancel the release (CancelReleaseProduct) to edit it.");
    }

    Task<ThingModelRevision?> DraftRowAsync(Product product, string functionBlockId, CancellationToken ct) =>
        db.ThingModels.FirstOrDefaultAsync(m => m.ProductId == product.Id && m.FunctionBlockId == functionBlockId && m.Version == null, ct);

    /// <summary>Applies an edit to the draft; a model that fails validation changes nothing and reports every error.</summary>
    async Task EditAsync(Product product, string functionBlockId, string? functionBlockName, Func<ThingModel, ThingModel> edit, CancellationToken ct)
    {
        EnsureEditable(product);
        var row = await DraftRowAsync(product, functionBlockId, ct);
        ThingModel next;
        try
        {
            next = edit(row is null ? ThingModelDraft.Empty : TslParser.Parse(row.TslJson));
        }
        catch (TslValidationException e)
        {
            throw new IotException(IotErrors.TslInvalid, e.Message);
        }
        var json = TslWriter.ToTslJson(next, product.ProductKey);
        if (row is null)
        {
            db.ThingModels.Add(new ThingModelRevision
            {
                ProductId = product.Id, FunctionBlockId = functionBlockId, FunctionBlockName = functionBlockName,
                TslJson = json, CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
        }
        else
        {
            row.TslJson = json;
            if (functionBlockName is not null) row.FunctionBlockName = functionBlockName;
        }
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
    }
}
