// A product's data parsing script, as Alibaba's actions handle it: SaveScript keeps a draft (the console's "save"),
// CreateThingScript submits the product's first script and UpdateThingScript replaces it (the console's "submit").
// Only a submitted script runs on device messages. Only JavaScript is served. A submitted script must parse, run its
// top level within the limits, and for a custom-format product define both rawDataToProtocol and protocolToRawData
// (the platform cannot talk to such devices otherwise); a draft only has to fit the size limit. The product is
// resolved as the caller sees it, and changes need a caller allowed to change it (distributed copies are read-only).
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Scripts;

public sealed class ThingScripts(ThingyardDb db, ProductRegistry products, ScriptChanges changes, ScriptLimits limits, TimeProvider time)
{
    /// <summary>The product's script row (null when it never had one), with the product as the caller sees it.</summary>
    public async Task<(Product Product, ThingScript? Script)> GetAsync(Caller caller, string? productKey, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        return (product, await db.ThingScripts.AsNoTracking().FirstOrDefaultAsync(s => s.ProductId == product.Id, ct));
    }

    /// <summary>SaveScript: keeps <paramref name="content"/> as the draft; the running script is not touched.</summary>
    public async Task<ThingScript> SaveDraftAsync(Caller caller, string? productKey, string? content, string? scriptType, CancellationToken ct = default)
    {
        CheckType(scriptType);
        CheckSize(content);
        var product = await WritableAsync(caller, productKey, ct);
        var script = await db.ThingScripts.FirstOrDefaultAsync(s => s.ProductId == product.Id, ct);
        if (script is null) db.ThingScripts.Add(script = new ThingScript { ProductId = product.Id });
        script.Draft = content;
        script.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        return script;
    }

    /// <summary>CreateThingScript: submits the product's first script.</summary>
    public async Task<ThingScript> CreateAsync(Caller caller, string? productKey, string? content, string? scriptType, CancellationToken ct = default)
    {
        CheckType(scriptType);
        var product = await WritableAsync(caller, productKey, ct);
        var script = await db.ThingScripts.FirstOrDefaultAsync(s => s.ProductId == product.Id, ct);
        if (script?.Content is not null)
            throw new IotException(IotErrors.ScriptExists, $"Product {product.ProductKey} already has a submitted script; change it with UpdateThingScript.");
        return await SubmitAsync(product, script, content, ct);
    }

    /// <summary>UpdateThingScript: replaces the product's submitted script.</summary>
    public async Task<ThingScript> UpdateAsync(Caller caller, string? productKey, string? content, string? scriptType, CancellationToken ct = default)
    {
        CheckType(scriptType);
        var product = await WritableAsync(caller, productKey, ct);
        var script = await db.ThingScripts.FirstOrDefaultAsync(s => s.ProductId == product.Id, ct);
        if (script?.Content is null)
            throw new IotException(IotErrors.ScriptNotFound, $"Product {product.ProductKey} has no submitted script; submit one with CreateThingScript.");
        return await SubmitAsync(product, script, content, ct);
    }

    /// <summary>Sets a product's submitted script without the caller checks: a copy received by distribution.</summary>
    public async Task ReplaceCopyAsync(Product product, string? content, CancellationToken ct = default)
    {
        var script = await db.ThingScripts.FirstOrDefaultAsync(s => s.ProductId == product.Id, ct);
        if (content is null)
        {
            if (script is null) return;
            db.ThingScripts.Remove(script);
        }
        else
        {
            if (script is null) db.ThingScripts.Add(script = new ThingScript { ProductId = product.Id });
            script.Content = content;
            script.Draft = null;
            script.Version++;
            script.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        }
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
    }

    /// <summary>Checks a script the way a submission does; throws the failure (syntax with its place, missing functions).</summary>
    public CompiledScript Check(Product product, string? content)
    {
        if (string.IsNullOrWhiteSpace(content)) throw IotException.Invalid("ScriptContent is required.");
        CheckSize(content);
        CompiledScript compiled;
        try { compiled = ScriptSandbox.Compile(content, limits); }
        catch (ScriptFailedException e) { throw new IotException(IotErrors.InvalidScript, $"The script was not accepted: {e.Failure}."); }
        if (product.DataFormat == 0 && !(compiled.Decodes && compiled.Encodes))
            throw new IotException(IotErrors.InvalidScript,
                $"Product {product.ProductKey} sends custom-format data: the script must define both {ScriptSandbox.Decode} and {ScriptSandbox.Encode}.");
        if (!compiled.Decodes && !compiled.Encodes && !compiled.Transforms)
            throw new IotException(IotErrors.InvalidScript,
                $"The script defines none of {ScriptSandbox.Decode}, {ScriptSandbox.Encode} and {ScriptSandbox.Transform}.");
        return compiled;
    }

    async Task<ThingScript> SubmitAsync(Product product, ThingScript? script, string? content, CancellationToken ct)
    {
        Check(product, content);
        if (script is null) db.ThingScripts.Add(script = new ThingScript { ProductId = product.Id });
        script.Content = content;
        script.Draft = null;
        script.Version++;
        script.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Publish(product.Id);
        return script;
    }

    async Task<Product> WritableAsync(Caller caller, string? productKey, CancellationToken ct)
    {
        caller.Require(Need.Change);
        return ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
    }

    void CheckSize(string? content)
    {
        var size = content is null ? 0 : Encoding.UTF8.GetByteCount(content);
        if (size > limits.MaxScriptBytes)
            throw new IotException(IotErrors.InvalidScript, $"ScriptContent is {size:N0} bytes; at most {limits.MaxScriptBytes:N0} are allowed.");
    }

    /// <summary>Only JavaScript runs here; Alibaba's other languages are named so the caller knows why.</summary>
    public static void CheckType(string? scriptType)
    {
        if (string.IsNullOrEmpty(scriptType)) throw IotException.Invalid("ScriptType is required (JavaScript).");
        if (scriptType == ScriptTypes.JavaScript) return;
        if (ScriptTypes.NotServed.Contains(scriptType))
            throw new IotException(IotErrors.UnsupportedScriptType, $"ScriptType {scriptType} is not supported here: only JavaScript (ECMAScript 5 and later) scripts run.");
        throw new IotException(IotErrors.UnsupportedScriptType, $"ScriptType '{scriptType}' is not known; use JavaScript.");
    }
}
