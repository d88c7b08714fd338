// An account's rules and their actions (the platform's CreateRule ... DeleteRuleAction): names, topics and SQL are
// checked here, the SQL by the rules engine's own parser so a statement that saves is one the engine runs. A rule and
// its actions are the caller's account's own; another account's are not found, exactly like missing ones.
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Rules;
using Thingyard.Rules.Sql;
using Thingyard.Server.Webhooks;
using Thingyard.Storage;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Rules;

/// <summary>A rule's fields as CreateRule and UpdateRule take them; null leaves a field as it is (on update).</summary>
public sealed record RuleFields(string? Name, string? ProductKey, int? TopicType, string? ShortTopic, string? Topic, string? Select,
    string? Where, string? DataType, string? Description);

public sealed partial class RuleRegistry(ThingyardDb db, ConsumerGroupRegistry groups, RuleChanges changes, WebhookOutbox outbox, TimeProvider time)
{
    [GeneratedRegex(@"^[\p{IsCJKUnifiedIdeographs}\p{IsHiragana}\p{IsKatakana}A-Za-z0-9_\-]+$")]
    private static partial Regex NameChars();

    public async Task<Rule> CreateAsync(Caller caller, RuleFields f, CancellationToken ct = default)
    {
        CheckName(f.Name);
        if (await db.Rules.OwnedBy(caller.AccountId).CountAsync(ct) >= RuleLimits.MaxRulesPerAccount)
            throw new IotException(IotErrors.TooManyRules, $"An account has at most {RuleLimits.MaxRulesPerAccount} rules; delete one first.");
        await EnsureNameFreeAsync(caller.AccountId, f.Name!, null, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rule = new Rule { AccountId = caller.AccountId, ProductKey = "", Name = f.Name!, ShortTopic = "", Topic = "", CreatedAtMs = now, ModifiedAtMs = now };
        await ApplyAsync(caller, rule, f, creating: true, ct);
        db.Rules.Add(rule);
        await db.SaveChangesAsync(ct);
        return rule;
    }

    public async Task<Rule> UpdateAsync(Caller caller, long ruleId, RuleFields f, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        if (f.Name is not null && f.Name != rule.Name)
        {
            CheckName(f.Name);
            await EnsureNameFreeAsync(rule.AccountId, f.Name, rule.Id, ct);
            rule.Name = f.Name;
        }
        await ApplyAsync(caller, rule, f, creating: false, ct);
        rule.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Publish();
        return rule;
    }

    /// <summary>Sets the topic, SQL, data type and description from what was given, checking the whole statement.</summary>
    async Task ApplyAsync(Caller caller, Rule rule, RuleFields f, bool creating, CancellationToken ct)
    {
        if (f.DataType is { } dataType)
        {
            if (!creating && !dataType.Equals(rule.DataType, StringComparison.OrdinalIgnoreCase))
                throw IotException.Invalid("DataType cannot be changed after the rule is created.");
            if (!dataType.Equals("JSON", StringComparison.OrdinalIgnoreCase))
                throw IotException.Invalid($"DataType {dataType} is not supported: this rules engine reads JSON messages (DataType JSON).");
        }
        if (f.Description is { Length: > 100 }) throw IotException.Invalid("RuleDesc has at most 100 characters.");
        if (f.Description is not null) rule.Description = f.Description;

        if (f.Topic is { Length: > 0 } whole)
        {
            var (pk, type, shortTopic) = RuleTopics.Split(whole);
            if (f.ProductKey is { Length: > 0 } named && named != pk) throw IotException.Invalid($"Topic {whole} is not a topic of product {named}.");
            await SetTopicAsync(caller, rule, pk, type, shortTopic, ct);
        }
        else if (creating || f.ProductKey is not null || f.TopicType is not null || f.ShortTopic is not null)
        {
            var pk = f.ProductKey ?? (creating ? throw RpcMissing("ProductKey") : rule.ProductKey);
            await SetTopicAsync(caller, rule, pk, f.TopicType ?? (creating ? Rule.SystemTopic : rule.TopicType),
                f.ShortTopic ?? (creating ? throw RpcMissing("ShortTopic") : rule.ShortTopic), ct);
        }
        if (f.Select is not null) rule.Select = string.IsNullOrWhiteSpace(f.Select) ? null : f.Select.Trim();
        if (f.Where is not null) rule.Where = string.IsNullOrWhiteSpace(f.Where) ? null : f.Where.Trim();
        if (rule.Select is not null) CheckSql(rule.Select, rule.Topic, rule.Where);
        else if (rule.Where is not null) throw new IotException(IotErrors.InvalidRuleSql, "Where needs a Select: give the fields to forward (Select, e.g. *).");
    }

    async Task SetTopicAsync(Caller caller, Rule rule, string productKey, int topicType, string shortTopic, CancellationToken ct)
    {
        // The caller's own products, and those only authorized to it (device authorization: the engine then gives the rule
        // the authorized devices' messages only). Not a project's grant: a rule there forwards every message of its topic.
        var product = await db.Products.AsNoTracking().FindVisibleAsync(caller, p => p.ProductKey == productKey, () => IotException.ProductNotFound(productKey), ct);
        if (!product.IsOwnedBy(caller.AccountId) && !caller.IsOnlyAuthorizedTo(product)) throw IotException.ProductNotFound(productKey);
        rule.Topic = RuleTopics.Compose(product.ProductKey, topicType, shortTopic);
        rule.ProductId = product.Id;
        rule.ProductKey = product.ProductKey;
        rule.TopicType = topicType;
        rule.ShortTopic = shortTopic.TrimStart('/');
    }

    /// <summary>Parses the statement the parts make; an error names the part and the column within it.</summary>
    public static SqlStatement CheckSql(string select, string topic, string? where)
    {
        if (select.Length > RuleLimits.MaxSqlPart || (where?.Length ?? 0) > RuleLimits.MaxSqlPart)
            throw new IotException(IotErrors.InvalidRuleSql, $"Select and Where have at most {RuleLimits.MaxSqlPart} characters each.");
        var sql = Rule.ComposeSql(select, topic, where);
        try { return RuleSql.Parse(sql); }
        catch (RuleSqlException e)
        {
            var selectStart = "SELECT ".Length;
            var whereStart = where is null ? int.MaxValue : sql.Length - where.Length;
            var part = e.Offset >= whereStart ? $"Where at character {e.Offset - whereStart + 1}"
                : e.Offset < selectStart + select.Length ? $"Select at character {e.Offset - selectStart + 1}" : "the statement";
            throw new IotException(IotErrors.InvalidRuleSql, $"Invalid SQL at line {e.Line}, column {e.Column} ({part}): {e.Problem}. The statement: {sql}");
        }
    }

    public async Task<Rule> GetAsync(Caller caller, long ruleId, CancellationToken ct = default) =>
        await db.Rules.FindVisibleAsync(caller, r => r.Id == ruleId, () => RuleNotFound(ruleId), ct);

    public async Task<Page<Rule>> ListAsync(Caller caller, string? searchName, Paging paging, CancellationToken ct = default)
    {
        var q = db.Rules.AsNoTracking().OwnedBy(caller.AccountId);
        if (!string.IsNullOrEmpty(searchName)) q = q.Where(r => r.Name.Contains(searchName));
        var total = await q.CountAsync(ct);
        var rows = await q.OrderByDescending(r => r.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<Rule>(rows, total, paging);
    }

    public async Task DeleteAsync(Caller caller, long ruleId, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        db.Rules.Remove(rule);
        await db.SaveChangesAsync(ct);
        changes.Publish();
    }

    public async Task<Rule> SetRunningAsync(Caller caller, long ruleId, bool running, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        if (running && rule.Select is null)
            throw new IotException(IotErrors.RuleWithoutSql, $"Rule {rule.Id} has no SQL yet: set its Select with UpdateRule, then start it.");
        rule.Status = running ? RuleStatus.Running : RuleStatus.Stopped;
        rule.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Publish();
        return rule;
    }

    // ---- actions --------------------------------------------------------------------------------------------------

    public async Task<RuleAction> CreateActionAsync(Caller caller, long ruleId, string? type, string? configuration, bool errorAction, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        var actions = await db.RuleActions.AsNoTracking().Where(a => a.RuleId == rule.Id).ToListAsync(ct);
        if (errorAction && actions.Any(a => a.ErrorActionFlag))
            throw new IotException(IotErrors.TooManyRuleActions, $"Rule {rule.Id} already has an error action; a rule has one.");
        if (!errorAction && actions.Count(a => !a.ErrorActionFlag) >= RuleLimits.MaxActionsPerRule)
            throw new IotException(IotErrors.TooManyRuleActions, $"A rule has at most {RuleLimits.MaxActionsPerRule} actions (and one error action).");
        await groups.GetAsync(caller, ConsumerGroup.DefaultGroupId, ct); // DEFAULT_GROUP exists once named
        var target = await RuleTargets.ResolveAsync(db, caller.AccountId, 0, type, configuration, outbox, ct);
        var action = new RuleAction
        {
            AccountId = caller.AccountId, RuleId = rule.Id, Type = target.Type, Configuration = configuration!.Trim(), ErrorActionFlag = errorAction,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.RuleActions.Add(action);
        await db.SaveChangesAsync(ct);
        changes.Publish();
        return action;
    }

    public async Task<RuleAction> UpdateActionAsync(Caller caller, long actionId, string? type, string? configuration, CancellationToken ct = default)
    {
        var action = await GetActionAsync(caller, actionId, ct);
        await groups.GetAsync(caller, ConsumerGroup.DefaultGroupId, ct);
        var target = await RuleTargets.ResolveAsync(db, caller.AccountId, action.Id, type ?? action.Type, configuration ?? action.Configuration, outbox, ct);
        action.Type = target.Type;
        if (configuration is not null) action.Configuration = configuration.Trim();
        await db.SaveChangesAsync(ct);
        changes.Publish();
        return action;
    }

    public async Task<RuleAction> GetActionAsync(Caller caller, long actionId, CancellationToken ct = default) =>
        await db.RuleActions.FindVisibleAsync(caller, a => a.Id == actionId,
            () => new IotException(IotErrors.RuleActionNotFound, $"Rule action {actionId} does not exist."), ct);

    public async Task<List<RuleAction>> ListActionsAsync(Caller caller, long ruleId, CancellationToken ct = default)
    {
        var rule = await GetAsync(caller, ruleId, ct);
        return await db.RuleActions.AsNoTracking().Where(a => a.RuleId == rule.Id).OrderBy(a => a.Id).ToListAsync(ct);
    }

    public async Task DeleteActionAsync(Caller caller, long actionId, CancellationToken ct = default)
    {
        db.RuleActions.Remove(await GetActionAsync(caller, actionId, ct));
        await db.SaveChangesAsync(ct);
        changes.Publish();
    }

    // ---- checks ---------------------------------------------------------------------------------------------------

    /// <summary>The platform's rule: 1 to 30 characters (a Chinese or Japanese character counts as two), letters, digits,
    /// Chinese and Japanese characters, _ and -.</summary>
    static void CheckName(string? name)
    {
        var width = name is null ? 0 : NameRules.WeightedLength(name);
        if (name is null || width < 1 || width > 30 || !NameChars().IsMatch(name))
            throw new IotException(IotErrors.InvalidRuleName,
                $"Name '{name}' is invalid: use 1 to 30 characters (a Chinese or Japanese character counts as 2) from letters, digits, Chinese and Japanese characters, _ and -.");
    }

    async Task EnsureNameFreeAsync(long accountId, string name, long? except, CancellationToken ct)
    {
        if (await db.Rules.OwnedBy(accountId).AnyAsync(r => r.Name == name && r.Id != except, ct))
            throw new IotException(IotErrors.RuleNameExists, $"A rule named '{name}' already exists.");
    }

    static IotException RuleNotFound(long id) => new(IotErrors.RuleNotFound, $"Rule {id} does not exist.");

    static IotException RpcMissing(string name) => IotException.Invalid($"{name} is required.");
}
