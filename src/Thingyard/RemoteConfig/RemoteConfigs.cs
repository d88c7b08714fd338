// Remote configuration (the platform's COTA): a product carries a configuration file of at most 64 KB; every save is
// a new version (the last five are kept) that devices fetch with thing.config.get or receive by thing.config.push.
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.RemoteConfig;

public sealed class RemoteConfigs(ThingyardDb db, TimeProvider time)
{
    public const int MaxBytes = 64 * 1024;
    public const int KeptVersions = 5;

    /// <summary>Saves a new version; the caller's role must allow changes (the console's users; an AccessKey is an owner).</summary>
    public async Task<ProductConfigFile> SaveAsync(Caller caller, Product product, string content, CancellationToken ct = default)
    {
        caller.Require(Need.Change);
        ProductRegistry.Writable(product, caller);
        var bytes = Encoding.UTF8.GetBytes(content);
        if (bytes.Length == 0) throw IotException.Invalid("The configuration file is empty.");
        if (bytes.Length > MaxBytes)
            throw IotException.Invalid($"The configuration file is {bytes.Length:N0} bytes; at most {MaxBytes:N0} (64 KB) are allowed.");
        var file = new ProductConfigFile
        {
            ProductId = product.Id,
            ConfigId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Content = content,
            Size = bytes.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.ProductConfigFiles.Add(file);
        await db.SaveChangesAsync(ct);
        var stale = await db.ProductConfigFiles.Where(f => f.ProductId == product.Id).OrderByDescending(f => f.Id)
            .Skip(KeptVersions).Select(f => f.Id).ToListAsync(ct);
        if (stale.Count > 0) await db.ProductConfigFiles.Where(f => stale.Contains(f.Id)).ExecuteDeleteAsync(ct);
        return file;
    }

    /// <summary>The newest version, or null when the product has no configuration file.</summary>
    public Task<ProductConfigFile?> CurrentAsync(long productId, CancellationToken ct = default) =>
        db.ProductConfigFiles.AsNoTracking().Where(f => f.ProductId == productId).OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);

    /// <summary>Kept versions, newest first.</summary>
    public Task<List<ProductConfigFile>> VersionsAsync(long productId, CancellationToken ct = default) =>
        db.ProductConfigFiles.AsNoTracking().Where(f => f.ProductId == productId).OrderByDescending(f => f.Id).ToListAsync(ct);

    public Task<ProductConfigFile?> FindAsync(string configId, CancellationToken ct = default) =>
        db.ProductConfigFiles.AsNoTracking().FirstOrDefaultAsync(f => f.ConfigId == configId, ct);
}
