// Runs the running rules on what devices send, off the device path: the Forwarder offers each message of a product
// that has a rule (one dictionary lookup for any other product) to a bounded queue; one reader matches topics, runs
// WHERE and SELECT and hands the output to the actions. A full queue drops and counts rather than slowing devices.
// What an action fails to deliver goes to the rule's error action, in the platform's error format.
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Rules;
using Thingyard.Rules.Sql;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Webhooks;
using Thingyard.Storage;
using Thingyard.Subscriptions;
using Thingyard.Telemetry;
using Thingyard.Webhooks;

namespace Thingyard.Server.Rules;

public sealed class RuleEngine : BackgroundService
{
    public const int Capacity = 100_000;
    static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(2);

    /// <summary>ForGrantee: the rule's account is not the product's owner but one it authorized devices to; the rule
    /// reads those devices' messages only (checked per message against the account's current grants).</summary>
    sealed record Compiled(Rule Row, string[] Filter, SqlStatement Sql, RuleTarget[] Actions, RuleTarget? ErrorAction, string? Broken, bool ForGrantee);

    /// <summary>A target that no longer resolves (its device or group was deleted): every delivery to it fails with why.</summary>
    sealed record BrokenTarget(long ActionId, string TypeName, string Why) : RuleTarget(ActionId, TypeName)
    {
        public override string Resource => "";
    }

    static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    readonly IDbContextFactory<ThingyardDb> _dbs;
    readonly GrantDirectory _grants;
    readonly Downlink _downlink;
    readonly TelemetryPipeline _telemetry;
    readonly WebhookOutbox _outbox;
    readonly MessageIds _ids;
    readonly RuleCounters _counters;
    readonly TimeProvider _time;
    readonly ILogger<RuleEngine> _log;
    readonly Channel<RuleInput> _inbox = Channel.CreateBounded<RuleInput>(new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    readonly SemaphoreSlim _reload = new(0, 1);
    volatile FrozenDictionary<long, Compiled[]> _byProduct = FrozenDictionary<long, Compiled[]>.Empty;
    volatile FrozenDictionary<long, Compiled> _byId = FrozenDictionary<long, Compiled>.Empty;
    long _dropped, _processed;

    public RuleEngine(IDbContextFactory<ThingyardDb> dbs, Downlink downlink, TelemetryPipeline telemetry, WebhookOutbox outbox, MessageIds ids,
        RuleCounters counters, RuleChanges changes, GrantDirectory grants, TimeProvider time, ILogger<RuleEngine> log)
    {
        (_dbs, _downlink, _telemetry, _outbox, _ids, _counters, _time, _log) = (dbs, downlink, telemetry, outbox, ids, counters, time, log);
        _grants = grants;
        changes.Changed += RequestReload;
        outbox.Settled += WebhookSettled;
    }

    /// <summary>Messages dropped because the queue was full, and messages run through the rules.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Processed => Interlocked.Read(ref _processed);
    public int Queued => _inbox.Reader.Count;

    /// <summary>Whether any running rule reads this product's messages.</summary>
    public bool Watches(long productId) => _byProduct.ContainsKey(productId);

    public void Offer(RuleInput input)
    {
        if (_inbox.Writer.TryWrite(input)) return;
        if (Interlocked.Increment(ref _dropped) % 1000 == 1)
            _log.LogWarning("Rules engine: its queue of {Capacity} messages is full; {Dropped} message(s) dropped so far", Capacity, Dropped);
    }

    void RequestReload()
    {
        try { _reload.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        await LoadAsync(stopping);
        var reloads = Task.Run(() => ReloadLoopAsync(stopping), stopping);
        var flushes = Task.Run(() => FlushLoopAsync(stopping), stopping);
        try
        {
            while (await _inbox.Reader.WaitToReadAsync(stopping))
            {
                while (_inbox.Reader.TryRead(out var input))
                {
                    try { await ProcessAsync(input); }
                    catch (Exception e) { _log.LogError(e, "Rules engine: a message on {Topic} failed", input.Topic); }
                    Interlocked.Increment(ref _processed);
                }
                // A pause before waiting again: the messages of the next milliseconds are taken in one run. Woken for
                // each message instead, the reader cost every device post a thread wake-up (profiled: more than the
                // rules themselves); a rule's output waits at most this long more.
                await Task.Delay(BatchPause, _time, stopping);
            }
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(reloads, flushes).ContinueWith(_ => { }, TaskScheduler.Default);
        await _counters.FlushAsync(CancellationToken.None);
    }

    async Task ReloadLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await _reload.WaitAsync(stopping);
            try { await LoadAsync(stopping); }
            catch (Exception e) when (e is not OperationCanceledException) { _log.LogError(e, "Rules engine: reloading the rules failed"); }
        }
    }

    async Task FlushLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(2), _time, stopping);
            await _counters.FlushAsync(stopping);
        }
    }

    /// <summary>Compiles every running rule with its actions; swapped in at once.</summary>
    async Task LoadAsync(CancellationToken ct)
    {
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var rules = await db.Rules.AsNoTracking().Where(r => r.Status == RuleStatus.Running).ToListAsync(ct);
        var ruleIds = rules.Select(r => r.Id).ToList();
        var productIds = rules.Select(r => r.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var actions = (await db.RuleActions.AsNoTracking().Where(a => ruleIds.Contains(a.RuleId)).OrderBy(a => a.Id).ToListAsync(ct)).ToLookup(a => a.RuleId);
        var compiled = new List<Compiled>();
        foreach (var rule in rules)
        {
            var targets = new List<RuleTarget>();
            RuleTarget? error = null;
            foreach (var a in actions[rule.Id])
            {
                RuleTarget target;
                try { target = await RuleTargets.ResolveAsync(db, rule.AccountId, a.Id, a.Type, a.Configuration, _outbox, ct); }
                catch (Common.IotException e) { target = new BrokenTarget(a.Id, a.Type, e.Message); }
                if (a.ErrorActionFlag) error = target;
                else targets.Add(target);
            }
            SqlStatement? sql = null;
            string? broken = null;
            try { sql = RuleSql.Parse(rule.Sql); }
            catch (RuleSqlException e) { broken = $"its SQL no longer parses: {e.Message}"; }
            var forGrantee = products.TryGetValue(rule.ProductId, out var product) && !product.IsOwnedBy(rule.AccountId);
            compiled.Add(new Compiled(rule, rule.Topic.Split('/'), sql!, [.. targets], error, broken, forGrantee));
        }
        _byProduct = compiled.GroupBy(c => c.Row.ProductId).ToFrozenDictionary(g => g.Key, g => g.ToArray());
        _byId = compiled.ToFrozenDictionary(c => c.Row.Id);
        _log.LogDebug("Rules engine: {Count} running rule(s)", compiled.Count);
    }

    string NewMessageId() => _ids.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);

    async Task ProcessAsync(RuleInput input)
    {
        if (!_byProduct.TryGetValue(input.ProductId, out var rules)) return;
        var levels = input.Topic.Split('/');
        SqlMessage? message = null;
        foreach (var rule in rules)
        {
            if (!RuleTopics.Matches(rule.Filter, levels)) continue;
            // A grantee's rule: only the devices authorized to its account now (a revocation holds at once).
            if (rule.ForGrantee && !(await _grants.GrantsOfAsync(rule.Row.AccountId)).Devices.ContainsKey(input.DeviceId)) continue;
            var id = rule.Row.Id;
            if (rule.Broken is { } why)
            {
                _counters.Failed(id, why);
                continue;
            }
            if (message is null)
            {
                // Checked here, built only if the rule reads it: a WHERE on deviceName() never parses the payload.
                if (!SqlMessage.IsJson(input.Payload))
                {
                    foreach (var r in rules.Where(r => RuleTopics.Matches(r.Filter, levels)))
                        _counters.Failed(r.Row.Id, $"a message on {input.Topic} is not JSON");
                    return;
                }
                message = new SqlMessage(input.Topic, input.Payload, input.ProductKey, input.DeviceName, NewMessageId, input.TimeMs);
            }
            if (!SqlEvaluator.Matches(rule.Sql, message)) continue;
            _counters.Matched(id);
            var output = Encoding.UTF8.GetBytes(SqlEvaluator.Select(rule.Sql, message).ToJsonString(Relaxed));
            foreach (var target in rule.Actions)
                await DeliverAsync(rule, target, input, message.MessageId, output, isError: false);
        }
    }

    /// <summary>One delivery; a failure is counted and sent on to the error action (unless this is the error action).</summary>
    async Task DeliverAsync(Compiled rule, RuleTarget target, RuleInput input, string messageId, byte[] body, bool isError)
    {
        string? failure = null;
        switch (target)
        {
            case RepublishTarget r:
                if (await _downlink.SendToDeviceAsync(r.DeviceId, r.Topic, body, r.Qos)) _counters.Forwarded(rule.Row.Id);
                else failure = $"the device of {r.Topic} is offline or not subscribed to it";
                break;
            case AmqpTarget a:
                await _telemetry.WriteAsync(TelemetryEntry.Forward(new BacklogMessage
                {
                    Id = _ids.Next(), ConsumerGroupId = a.GroupRowId, DeviceId = input.DeviceId, Topic = input.Topic, Payload = body, GenerateTimeMs = input.TimeMs,
                }));
                _counters.Forwarded(rule.Row.Id);
                break;
            case WebhookTarget w:
                // Counted when it settles (WebhookSettled); the context brings the message back for the error action.
                var context = JsonSerializer.Serialize(new ErrorContext(rule.Row.Id, input.DeviceId, input.ProductKey, input.DeviceName, input.Topic, messageId, isError));
                try { await _outbox.EnqueueAsync(new WebhookRequest(rule.Row.AccountId, $"rule:{rule.Row.Id}/action:{w.ActionId}", w.Url, w.Token, body, context)); }
                catch (Exception e) when (e is not OperationCanceledException) { failure = $"the webhook delivery could not be queued: {e.Message}"; }
                break;
            case BrokenTarget b:
                failure = b.Why;
                break;
        }
        if (failure is null) return;
        _counters.Failed(rule.Row.Id, $"{target.Type} action {target.ActionId}: {failure}");
        if (!isError && rule.ErrorAction is { } errorAction)
            await DeliverAsync(rule, errorAction, input, messageId, ErrorPayload(rule.Row.Name, input, messageId, body, target, failure), isError: true);
    }

    /// <summary>What a rule's webhook delivery carries for the engine, to count its outcome and report its failure.</summary>
    sealed record ErrorContext(long RuleId, long DeviceId, string ProductKey, string DeviceName, string Topic, string MessageId, bool IsError);

    void WebhookSettled(WebhookDelivery d, bool delivered)
    {
        if (!d.Source.StartsWith("rule:", StringComparison.Ordinal) || d.Context is null) return;
        var context = JsonSerializer.Deserialize<ErrorContext>(d.Context);
        if (context is null) return;
        if (delivered)
        {
            _counters.Forwarded(context.RuleId);
            return;
        }
        var failure = $"no 2xx answer after {d.Attempts} attempts ({d.LastError}); dead letter {d.Id}";
        _counters.Failed(context.RuleId, $"WEBHOOK {d.Url}: {failure}");
        if (context.IsError) return;
        if (_byId.GetValueOrDefault(context.RuleId) is not { ErrorAction: { } errorAction } rule) return;
        var input = new RuleInput(rule.Row.AccountId, rule.Row.ProductId, context.DeviceId, context.ProductKey, context.DeviceName, context.Topic, d.Body,
            _time.GetUtcNow().ToUnixTimeMilliseconds());
        var target = new WebhookTarget(0, d.Url, null);
        _ = DeliverAsync(rule, errorAction, input, context.MessageId, ErrorPayload(rule.Row.Name, input, context.MessageId, d.Body, target, failure), isError: true);
    }

    /// <summary>The platform's error data format: the rule, the message, and each failed action.</summary>
    static byte[] ErrorPayload(string ruleName, RuleInput input, string messageId, byte[] body, RuleTarget target, string failure) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            ruleName, topic = input.Topic, productKey = input.ProductKey, deviceName = input.DeviceName, messageId,
            base64OriginalPayload = Convert.ToBase64String(body),
            failures = new[] { new { actionType = target.Type, actionRegion = "local", actionResource = target.Resource, errorMessage = failure } },
        }, Relaxed);
}
