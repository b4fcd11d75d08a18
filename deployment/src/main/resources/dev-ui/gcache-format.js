/** Durations as people write them in application.properties: 60s, 5m, 1h30m, 250ms. */

/** Milliseconds of an ISO-8601 duration as Java prints it (PT1M30S, PT0.25S), or NaN. */
export function parseDuration(iso) {
    if (iso == null) {
        return NaN;
    }
    const m = /^(-)?PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
    if (!m) {
        return NaN;
    }
    const millis = ((+(m[2] || 0) * 60 + +(m[3] || 0)) * 60 + +(m[4] || 0)) * 1000;
    return m[1] ? -millis : millis;
}

export function humanDuration(iso) {
    const total = parseDuration(iso);
    if (iso == null || isNaN(total)) {
        return iso == null ? '—' : iso;
    }
    if (total === 0) {
        return '0s';
    }
    if (total < 1000) {
        return (Number.isInteger(total) ? total : total.toFixed(2)) + 'ms';
    }
    if (total < 10_000 && total % 1000 !== 0) {
        return (total / 1000).toFixed(2).replace(/\.?0+$/, '') + 's';
    }
    let seconds = Math.round(total / 1000);
    const parts = [];
    for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
        if (seconds >= size) {
            parts.push(Math.floor(seconds / size) + unit);
            seconds %= size;
        }
    }
    return parts.join('');
}
