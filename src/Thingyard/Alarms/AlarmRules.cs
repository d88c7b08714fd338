// Alarm rules of an account: create, change, enable or disable, read, list and delete, each checked against the
// product's thing model (a threshold needs a numeric property; an event rule an event of type alert). Rules are
// reached through the access layer: another account's rule is not found, exactly like a missing one.
using System.Net.Mail;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.ThingModels;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Alarms;

public sealed class AlarmRules(ThingyardDb db, ThingModelStore models, AlarmChanges changes, TimeProvider time)
{
    public const int MaxRulesPerAccount = 1000;
    public const int MaxTargets = 10;

    public async Task<AlarmRule> CreateAsync(Caller caller, string? productKey, AlarmRuleSpec spec, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(productKey)) throw IotException.Invalid("ProductKey is required.");
        var product = await db.Products.FindVisibleAsync(caller, p => p.ProductKey == productKey, () => IotException.ProductNotFound(productKey), ct);
        caller.RequireChange(product);
        if (spec.Name is null) throw IotException.Invalid("Name is required.");
        if (spec.TriggerKind is null) throw IotException.Invalid("TriggerType is required: property (a threshold) or event (an alert event).");
        if (await db.AlarmRules.OwnedBy(product.AccountId).CountAsync(ct) >= MaxRulesPerAccount)
            throw new IotException(IotErrors.InvalidAlarmRule, $"An account has at most {MaxRulesPerAccount} alarm rules; delete one first.");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rule = new AlarmRule
        {
            AccountId = product.AccountId, ProductId = product.Id, ProductKey = product.ProductKey, Name = spec.Name,
            CreatedAtMs = now, UpdatedAtMs = now,
        };
        await ApplyAsync(rule, product, spec, ct);
        db.AlarmRules.Add(rule);
        await db.SaveChangesAsync(ct);
        changes.Rules();
        return rule;
    }

    public async Task<AlarmRule> UpdateAsync(Caller caller, long? ruleId, AlarmRuleSpec spec, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        caller.RequireChange(rule);
        var product = await db.Products.FirstAsync(p => p.Id == rule.ProductId, ct);
        await ApplyAsync(rule, product, spec, ct);
        rule.UpdatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Rules();
        return rule;
    }

    public async Task<AlarmRule> SetEnabledAsync(Caller caller, long? ruleId, bool enabled, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        caller.RequireChange(rule);
        rule.Enabled = enabled;
        rule.UpdatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Rules();
        return rule;
    }

    /// <summary>Deletes the rule; its alarms and their history stay (readable, clearable).</summary>
    public async Task DeleteAsync(Caller caller, long? ruleId, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        caller.RequireChange(rule);
        db.AlarmRules.Remove(rule);
        await db.SaveChangesAsync(ct);
        changes.Rules();
    }

    public async Task<AlarmRule> GetAsync(Caller caller, long? ruleId, CancellationToken ct = default)
    {
        if (ruleId is null) throw IotException.Invalid("RuleId is required.");
        return await db.AlarmRules.FindVisibleAsync(caller, r => r.Id == ruleId, () => NotFound(ruleId.Value), ct);
    }

    /// <summary>A page of the caller's rules, newest first, optionally of one product.</summary>
    public async Task<Page<AlarmRule>> ListAsync(Caller caller, string? productKey, Paging paging, CancellationToken ct = default)
    {
        var query = db.AlarmRules.VisibleTo(caller);
        if (!string.IsNullOrEmpty(productKey)) query = query.Where(r => r.ProductKey == productKey);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(r => r.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<AlarmRule>(rows, total, paging);
    }

    public static IotException NotFound(long ruleId) => new(IotErrors.AlarmRuleNotFound, $"The alarm rule {ruleId} does not exist.");

    static IotException Bad(string message) => new(IotErrors.InvalidAlarmRule, message);

    /// <summary>Sets the given fields on the rule, then checks the whole rule against the product and its thing model.</summary>
    async Task ApplyAsync(AlarmRule rule, Product product, AlarmRuleSpec spec, CancellationToken ct)
    {
        if (spec.Name is { } name)
        {
            name = name.Trim();
            if (name.Length is < 1 or > 64) throw IotException.Invalid("Name must be 1 to 64 characters.");
            if (name != rule.Name || rule.Id == 0)
                if (await db.AlarmRules.OwnedBy(product.AccountId).AnyAsync(r => r.Name == name && r.Id != rule.Id, ct))
                    throw new IotException(IotErrors.AlarmRuleNameExists, $"An alarm rule named '{name}' already exists.");
            rule.Name = name;
        }
        if (spec.Description is { } description)
        {
            if (description.Length > 256) throw IotException.Invalid("Description must be at most 256 characters.");
            rule.Description = description;
        }
        if (spec.Severity is { } severity) rule.Severity = severity;
        if (spec.TriggerKind is { } kind && kind != rule.TriggerKind)
        {
            rule.TriggerKind = kind;
            rule.Identifier = null;
            rule.Operator = null;
        }
        if (spec.Identifier is not null) rule.Identifier = spec.Identifier == "" ? null : spec.Identifier;
        if (spec.Operator is not null) rule.Operator = spec.Operator;
        if (spec.Threshold is { } threshold) rule.Threshold = threshold;
        if (spec.ConsecutiveCount is { } count) rule.ConsecutiveCount = count;
        if (spec.ClearAfterSeconds is { } quiet) rule.ClearAfterSeconds = quiet;
        if (spec.WebhookUrls is { } urls) rule.WebhookUrls = [.. urls];
        if (spec.EmailAddresses is { } emails) rule.EmailAddresses = [.. emails];
        if (spec.WebhookToken is { } token)
        {
            if (token.Length > 64) throw IotException.Invalid("WebhookToken must be at most 64 characters.");
            rule.WebhookToken = token == "" ? null : token;
        }
        await ScopeAsync(rule, product, spec, ct);
        await CheckTriggerAsync(rule, product, ct);
        CheckTargets(rule);
    }

    /// <summary>One device, the members of one group, or (neither) every device of the product; "" removes a scope.</summary>
    async Task ScopeAsync(AlarmRule rule, Product product, AlarmRuleSpec spec, CancellationToken ct)
    {
        if (spec.DeviceName is { } deviceName)
        {
            if (deviceName == "") (rule.DeviceId, rule.DeviceName) = (null, null);
            else
            {
                var device = await db.Devices.FirstOrDefaultAsync(d => d.ProductId == product.Id && d.DeviceName == deviceName, ct)
                    ?? throw IotException.DeviceNotFound($"{product.ProductKey}/{deviceName}");
                (rule.DeviceId, rule.DeviceName) = (device.Id, device.DeviceName);
            }
        }
        if (spec.DeviceGroupId is { } groupId)
        {
            if (groupId == "") rule.DeviceGroupId = null;
            else
            {
                var caller = Caller.Account(product.AccountId);
                var group = await db.DeviceGroups.FindVisibleAsync(caller, g => g.GroupId == groupId,
                    () => new IotException(IotErrors.GroupNotFound, $"The group '{groupId}' does not exist."), ct);
                rule.DeviceGroupId = group.GroupId;
            }
        }
        if (rule.DeviceId is not null && rule.DeviceGroupId is not null)
            throw Bad("A rule names one device (DeviceName) or one device group (DeviceGroupId), not both.");
    }

    async Task CheckTriggerAsync(AlarmRule rule, Product product, CancellationToken ct)
    {
        var model = await ModelAsync(product, ct);
        if (rule.TriggerKind == AlarmTriggerKind.Property)
        {
            if (rule.Identifier is null) throw IotException.Invalid("Identifier is required for a property threshold.");
            var property = model.Property(rule.Identifier)
                ?? throw new IotException(IotErrors.TslFeatureNotFound, $"The product '{product.ProductKey}' has no property '{rule.Identifier}' in its thing model.");
            if (!TslTypes.IsNumeric(property.DataType.Type))
                throw Bad($"Property '{rule.Identifier}' is of type {property.DataType.Type}: a threshold needs an int, float or double property.");
            if (rule.Operator is null) throw IotException.Invalid($"Operator is required for a property threshold: one of {string.Join(" ", AlarmText.Operators)}.");
            if (rule.ConsecutiveCount is < 1 or > 100) throw IotException.Invalid($"ConsecutiveCount {rule.ConsecutiveCount} is out of range: use 1 to 100.");
            if (rule.ClearAfterSeconds != 0) throw Bad("ClearAfterSeconds is for event rules: a threshold alarm clears when its condition no longer holds.");
            return;
        }
        if (rule.Identifier is { } identifier)
        {
            var e = model.Event(identifier)
                ?? throw new IotException(IotErrors.TslFeatureNotFound, $"The product '{product.ProductKey}' has no event '{identifier}' in its thing model.");
            if (e.Type != TslEvent.Alert) throw Bad($"Event '{identifier}' is of type {e.Type}: an alarm rule takes events of type alert.");
        }
        if (rule.Operator is not null) throw Bad("Operator and Threshold are for property thresholds, not event rules.");
        if (rule.ClearAfterSeconds is < 0 or > 604_800) throw IotException.Invalid($"ClearAfterSeconds {rule.ClearAfterSeconds} is out of range: use 0 (clear by hand) to 604800 (7 days).");
        rule.ConsecutiveCount = 1;
    }

    /// <summary>The model devices are checked against: the published version, or the draft while none is.</summary>
    async Task<ThingModel> ModelAsync(Product product, CancellationToken ct)
    {
        try { return await models.PublishedAsync(product, "", null, ct); }
        catch (IotException e) when (e.Code == IotErrors.TslNotPublished) { return await models.DraftAsync(product, "", ct); }
    }

    static void CheckTargets(AlarmRule rule)
    {
        if (rule.WebhookUrls.Count > MaxTargets || rule.EmailAddresses.Count > MaxTargets)
            throw IotException.Invalid($"A rule notifies at most {MaxTargets} webhook URLs and {MaxTargets} e-mail addresses.");
        foreach (var url in rule.WebhookUrls)
            if (url.Length > 512 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw IotException.Invalid($"WebhookUrls: '{url}' is not an http or https URL.");
        foreach (var address in rule.EmailAddresses)
            if (address.Length > 254 || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !address.Contains('.'))
                throw IotException.Invalid($"EmailAddresses: '{address}' is not an e-mail address (name@example.com).");
    }
}
