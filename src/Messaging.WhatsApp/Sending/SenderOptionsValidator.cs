using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>
/// Checks a sender's options at startup, and in the public constructors. Everything a send depends on is
/// checked, so that no setting passes startup and then fails every send. Each message names the setting and
/// the rule, never a secret's value. A provider's options add the checks of their own settings
/// (<see cref="WhatsAppSenderOptions.Validate"/>).
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
internal sealed class SenderOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : WhatsAppSenderOptions
{
    private readonly string _sectionName;
    private readonly string _apiUrlExample;

    /// <param name="sectionName">The configuration section, which prefixes every message.</param>
    /// <param name="apiUrlExample">An API URL to quote when the configured one is not usable.</param>
    public SenderOptionsValidator(string sectionName, string apiUrlExample)
    {
        _sectionName = sectionName;
        _apiUrlExample = apiUrlExample;
    }

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var prefix = string.IsNullOrEmpty(name) ? _sectionName + ":" : $"{_sectionName}[{name}]:";
        var failures = new List<string>();
        if (options.ApiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0 || url.Host.Length == 0)
        {
            failures.Add($"{prefix}ApiUrl must be an absolute http(s) URL without credentials, query or fragment, such as {_apiUrlExample}.");
        }

        options.Validate(new OptionsChecks(prefix, failures));

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > SenderLimits.MaxTimeout)
        {
            failures.Add($"{prefix}Timeout must be positive and at most 24 days (HttpClient takes no longer).");
        }

        if (options.MaxSendsPerSecond < 0)
        {
            failures.Add($"{prefix}MaxSendsPerSecond must be 0 (no limiter) or positive.");
        }

        if (options.RateLimitQueueLimit < 0)
        {
            failures.Add($"{prefix}RateLimitQueueLimit must not be negative.");
        }

        if (options.StateTrustWindow < TimeSpan.FromSeconds(1) || options.StateTrustWindow > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}StateTrustWindow must be from 1 second to 1 day.");
        }

        if (options.Retry is null)
        {
            failures.Add($"{prefix}Retry must not be null.");
        }
        else if (options.Retry.Validate(prefix + "Retry:") is { } retryProblem)
        {
            failures.Add(retryProblem);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The options, or an <see cref="ArgumentException"/> naming every setting that breaks a rule.</summary>
    public TOptions ThrowIfInvalid(TOptions options)
    {
        Guard.NotNull(options);
        var result = Validate(null, options);
        return result.Failed ? throw new ArgumentException(result.FailureMessage, nameof(options)) : options;
    }
}

/// <summary>Records the rules a provider's settings break, each message prefixed with the setting's section.</summary>
internal sealed class OptionsChecks
{
    private readonly string _prefix;
    private readonly List<string> _failures;

    public OptionsChecks(string prefix, List<string> failures)
    {
        _prefix = prefix;
        _failures = failures;
    }

    /// <summary>Records <paramref name="settingAndRule"/> (e.g. <c>PhoneId is required: …</c>) unless <paramref name="holds"/>.</summary>
    public void Require(bool holds, string settingAndRule)
    {
        if (!holds)
        {
            _failures.Add(_prefix + settingAndRule);
        }
    }

    /// <summary>
    /// A credential that travels in a header or a URL path: required, and printable ASCII without spaces, so
    /// that it can neither break the request (a line break in a header is a second header) nor pass startup
    /// and then fail every send (a non-ASCII header value is refused when sending).
    /// </summary>
    public void Credential(string setting, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            _failures.Add($"{_prefix}{setting} is required: {what}.");
            return;
        }

        foreach (var c in value!)
        {
            if (c is < '!' or > '~')
            {
                _failures.Add($"{_prefix}{setting} must be printable ASCII without spaces, line breaks or other control characters (as {what} is); check for a stray character around the copied value.");
                return;
            }
        }
    }
}
