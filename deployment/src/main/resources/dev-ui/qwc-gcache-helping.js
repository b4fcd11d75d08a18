import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import './gcache-line-chart.js';
import { humanDuration, parseDuration } from './gcache-format.js';

/** Points kept per chart: one per second, the last five minutes. */
const HISTORY = 300;

/**
 * "Is caching helping?" per use case (reference R22, R23): time saved (hits × the mean method time), hit rate and
 * requests/s per layer as live charts over the last minutes, and whether the cache is right: shadow verification's
 * ramp and match rate, and the TTL advisor's suggestion with a button that applies it as an override.
 */
export class QwcGcacheHelping extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 10px; font-size: 14px; }
        .use-case { border-bottom: 1px solid var(--lumo-contrast-10pct, #ddd); padding: 8px 0 16px 0; }
        h3 { margin: 4px 0 8px 0; font-size: 16px; }
        .facts { display: flex; gap: 28px; flex-wrap: wrap; margin-bottom: 8px; }
        .fact b { font-variant-numeric: tabular-nums; font-size: 18px; }
        .muted { color: var(--lumo-secondary-text-color, #777); font-size: 12px; }
        .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
        table { border-collapse: collapse; margin-top: 8px; }
        th, td { padding: 4px 10px 4px 0; text-align: left; }
        input[type=range] { width: 140px; vertical-align: middle; }
        .num { font-variant-numeric: tabular-nums; }
    `;

    static properties = {
        _rows: { state: true },
        _history: { state: true },
        _message: { state: true },
    };

    constructor() {
        super();
        this._rows = [];
        this._history = {};
        this._previous = null;
        this._message = '';
    }

    connectedCallback() {
        super.connectedCallback();
        this.jsonRpc.getUseCases().then(response => this._update(response.result));
        this._stream = this.jsonRpc.streamUseCases().onNext(response => this._update(response.result));
    }

    disconnectedCallback() {
        if (this._stream) {
            this._stream.cancel();
        }
        super.disconnectedCallback();
    }

    _layers(row) {
        return row.counters.REQUEST ? ['REQUEST', 'LOCAL', 'REMOTE'] : ['LOCAL', 'REMOTE'];
    }

    /** Appends one point per series: rates over the interval since the previous update. */
    _update(rows) {
        const now = Date.now();
        const history = { ...this._history };
        const previous = this._previous;
        for (const row of rows) {
            const h = history[row.useCase] || { hitRate: {}, rate: {} };
            const seconds = previous ? (now - previous.time) / 1000 : 0;
            const before = previous && previous.rows[row.useCase];
            for (const layer of this._layers(row)) {
                const c = row.counters[layer];
                if (before && seconds > 0) {
                    const b = before.counters[layer];
                    const requests = c.requests - b.requests;
                    this._push(h.rate, layer, [now, +(requests / seconds).toFixed(2)]);
                    this._push(h.hitRate, layer, [now, requests > 0 ? Math.round((c.hits - b.hits) * 100 / requests) : null]);
                }
            }
            if (before && seconds > 0) {
                // seconds of method time saved per second of wall time (parseDuration gives milliseconds)
                h.savedPerSecond = Math.max(0, parseDuration(row.timeSaved) - parseDuration(before.timeSaved)) / 1000 / seconds;
            }
            history[row.useCase] = h;
        }
        this._previous = { time: now, rows: Object.fromEntries(rows.map(r => [r.useCase, r])) };
        this._history = history;
        this._rows = rows;
    }

    _push(map, layer, point) {
        map[layer] = [...(map[layer] || []), point].slice(-HISTORY);
    }

    render() {
        return html`
            ${this._rows.map(row => this._useCase(row))}
            <div class="message" id="helping-message">${this._message}</div>
        `;
    }

    _useCase(row) {
        const h = this._history[row.useCase] || { hitRate: {}, rate: {} };
        const layers = this._layers(row);
        const hitRateSeries = layers.map(l => ({ name: l, data: h.hitRate[l] || [] }));
        const rateSeries = layers.map(l => ({ name: l, data: h.rate[l] || [] }));
        const id = row.useCase;
        return html`
            <div class="use-case">
                <h3>${row.useCase} <span class="muted">${row.keyType}</span></h3>
                <div class="facts">
                    <span class="fact">Time saved <b id="saved-${id}">${humanDuration(row.timeSaved)}</b>
                        <span class="muted">in total</span></span>
                    <span class="fact"><b id="saved-rate-${id}">${(h.savedPerSecond ?? 0).toFixed(2)}</b>
                        <span class="muted">s saved per second now</span></span>
                    <span class="fact">Method <b id="method-${id}">${row.methodTime ? humanDuration(row.methodTime) : '—'}</b>
                        <span class="muted">mean per run</span></span>
                </div>
                <div class="charts">
                    <div><span class="muted">Hit rate per layer (%)</span>
                        <gcache-line-chart id="chart-hitrate-${id}" .series=${hitRateSeries} unit="%" max="100"></gcache-line-chart></div>
                    <div><span class="muted">Requests per second per layer</span>
                        <gcache-line-chart id="chart-rate-${id}" .series=${rateSeries} unit="req/s"></gcache-line-chart></div>
                </div>
                ${this._shadow(row)}
            </div>`;
    }

    /** Is it right? Shadow verification and the TTL advisor. */
    _shadow(row) {
        const s = row.shadow;
        const id = row.useCase;
        return html`
            <table>
                <tr>
                    <th>Shadow verification</th>
                    <td colspan="4">
                        <input type="range" min="0" max="100" step="1" id="shadow-ramp-${id}" .value=${String(s.ramp)}
                            @change=${e => this._setShadowRamp(id, e.target.value)}>
                        <span class="num" id="shadow-ramp-value-${id}">${s.ramp}</span> %
                        <span class="muted">${s.rampSource.toLowerCase()} · of hits also run the method and compare</span>
                    </td>
                </tr>
                <tr><th>Layer</th><th>Match rate</th><th>Mismatches</th><th>Errors</th><th>TTL now → suggested</th></tr>
                ${['LOCAL', 'REMOTE'].map(layer => this._shadowLayer(row, layer))}
            </table>`;
    }

    _shadowLayer(row, layer) {
        const l = row.shadow[layer];
        const settings = layer === 'LOCAL' ? row.local : row.remote;
        const compared = l.match + l.mismatch;
        const id = row.useCase + '-' + layer;
        let suggestion;
        if (l.suggestedTtl == null) {
            suggestion = html`<span class="muted" id="suggested-${id}">not enough samples (${l.samples})</span>`;
        } else {
            // "at least": no mismatch yet, so nothing to apply; values were right as old as they got
            suggestion = html`<b id="suggested-${id}">${l.suggestedAtLeast ? '≥ ' : ''}${humanDuration(l.suggestedTtl)}</b>
                <span class="muted">from ${l.samples} comparisons</span>
                ${l.suggestedAtLeast ? '' : html`<button id="apply-ttl-${id}"
                    @click=${() => this._applyTtl(row.useCase, layer)}>Apply</button>`}`;
        }
        return html`
            <tr>
                <td>${layer}</td>
                <td class="num" id="match-rate-${id}">${compared > 0 ? (l.match * 100 / compared).toFixed(1) + ' %' : '—'}</td>
                <td class="num" id="mismatches-${id}">${l.mismatch}</td>
                <td class="num">${l.error}</td>
                <td>${humanDuration(settings.ttl)} → ${suggestion}</td>
            </tr>`;
    }

    _setShadowRamp(useCase, value) {
        this.jsonRpc.setShadowRamp({ useCase: useCase, ramp: parseInt(value) }).then(response => {
            this._rows = this._rows.map(r => r.useCase === useCase ? response.result : r);
            this._message = useCase + ' shadow ramp set to ' + value + ' %';
        }).catch(error => this._message = 'Could not set the shadow ramp: ' + (error.message || JSON.stringify(error)));
    }

    _applyTtl(useCase, layer) {
        this.jsonRpc.applySuggestedTtl({ useCase: useCase, layer: layer }).then(response => {
            this._rows = this._rows.map(r => r.useCase === useCase ? response.result : r);
            const ttl = layer === 'LOCAL' ? response.result.local.ttl : response.result.remote.ttl;
            this._message = useCase + ' ' + layer + ' TTL set to ' + humanDuration(ttl);
        }).catch(error => this._message = 'Could not apply the TTL: ' + (error.message || JSON.stringify(error)));
    }
}

customElements.define('qwc-gcache-helping', QwcGcacheHelping);
