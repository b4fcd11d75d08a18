import { LitElement, html, css } from 'lit';
import { JsonRpc } from 'jsonrpc';
import { humanDuration } from './gcache-format.js';

/**
 * GCache use cases: key type, TTLs, live request rate and hit rate per layer, misses, errors, disabled counts by
 * reason; a ramp slider per layer (applied as an override on release), an invalidate-entity form and a flush button.
 */
export class QwcGcacheUseCases extends LitElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: block; padding: 10px; font-size: 14px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border-bottom: 1px solid var(--lumo-contrast-10pct, #ddd); padding: 6px 8px; text-align: left; vertical-align: top; }
        th { font-weight: 600; }
        .layer { white-space: nowrap; }
        .num { font-variant-numeric: tabular-nums; }
        .muted { color: var(--lumo-secondary-text-color, #777); font-size: 12px; }
        .tools { display: flex; gap: 16px; align-items: center; margin-top: 16px; flex-wrap: wrap; }
        input[type=range] { width: 140px; vertical-align: middle; }
        .message { margin-top: 8px; }
    `;

    static properties = {
        _rows: { state: true },
        _rates: { state: true },
        _message: { state: true },
    };

    constructor() {
        super();
        this._rows = [];
        this._rates = {};
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

    /** Rates over the interval since the previous update; hit rate falls back to the cumulative one when idle. */
    _update(rows) {
        const now = performance.now();
        const rates = {};
        for (const row of rows) {
            for (const layer of this._layers(row)) {
                const c = row.counters[layer];
                const key = row.useCase + '/' + layer;
                const before = this._previous && this._previous.counters[key];
                let perSecond = 0;
                let hitRate = c.requests > 0 ? c.hits / c.requests : null;
                if (before) {
                    const seconds = (now - this._previous.time) / 1000;
                    const requests = c.requests - before.requests;
                    perSecond = seconds > 0 ? requests / seconds : 0;
                    if (requests > 0) {
                        hitRate = (c.hits - before.hits) / requests;
                    }
                }
                rates[key] = { perSecond, hitRate };
            }
        }
        const counters = {};
        for (const row of rows) {
            for (const layer of this._layers(row)) {
                counters[row.useCase + '/' + layer] = row.counters[layer];
            }
        }
        this._previous = { time: now, counters };
        this._rates = rates;
        this._rows = rows;
    }

    /** REQUEST only for use cases that have it (reference R20). */
    _layers(row) {
        return row.counters.REQUEST ? ['REQUEST', 'LOCAL', 'REMOTE'] : ['LOCAL', 'REMOTE'];
    }

    render() {
        return html`
            <table>
                <thead>
                    <tr><th>Use case</th><th>Key type</th><th>Layer</th><th>TTL</th><th>Ramp</th><th>Requests/s</th>
                        <th>Hit rate</th><th>Misses</th><th>Errors</th><th>Disabled</th></tr>
                </thead>
                <tbody>
                    ${this._rows.map(row => this._layers(row).map((layer, i) => this._layerRow(row, layer, i === 0)))}
                </tbody>
            </table>
            <div class="tools">
                <span>Invalidate entity:</span>
                <input id="invalidate-key-type" placeholder="key type, e.g. user_id">
                <input id="invalidate-id" placeholder="id">
                <button id="invalidate" @click=${this._invalidate}>Invalidate</button>
                <button id="flush" @click=${this._flush}>Flush all</button>
            </div>
            <div class="message" id="message">${this._message}</div>
        `;
    }

    /** The REQUEST layer has no TTL or ramp: it lives as long as one enable scope. */
    _requestRow(row, first) {
        const c = row.counters.REQUEST;
        const rate = this._rates[row.useCase + '/REQUEST'] || {};
        const id = row.useCase + '-REQUEST';
        return html`
            <tr>
                <td>${first ? row.useCase : ''}</td>
                <td>${first ? row.keyType : ''}</td>
                <td class="layer">REQUEST</td>
                <td class="muted">one scope</td>
                <td class="muted">—</td>
                <td class="num" id="rate-${id}">${(rate.perSecond ?? 0).toFixed(1)}</td>
                <td class="num" id="hitrate-${id}">${rate.hitRate == null ? '—' : (rate.hitRate * 100).toFixed(0) + ' %'}</td>
                <td class="num" id="misses-${id}">${c.misses}</td>
                <td class="num">0</td>
                <td class="muted"></td>
            </tr>`;
    }

    _layerRow(row, layer, first) {
        if (layer === 'REQUEST') {
            return this._requestRow(row, first);
        }
        const settings = layer === 'LOCAL' ? row.local : row.remote;
        const c = row.counters[layer];
        const rate = this._rates[row.useCase + '/' + layer] || {};
        const id = row.useCase + '-' + layer;
        const disabled = Object.entries(c).filter(([k, v]) => k.startsWith('disabled.') && v > 0)
            .map(([k, v]) => k.substring(9) + ' ' + v);
        if (layer === 'LOCAL' && row.counters.GLOBAL['disabled.context'] > 0) {
            disabled.push('context ' + row.counters.GLOBAL['disabled.context']);
        }
        return html`
            <tr>
                <td>${first ? row.useCase : ''}</td>
                <td>${first ? row.keyType : ''}</td>
                <td class="layer">${layer}</td>
                <td id="ttl-${id}">${humanDuration(settings.ttl)} <span class="muted">${settings.ttlSource.toLowerCase()}</span></td>
                <td class="layer">
                    <input type="range" min="0" max="100" step="1" id="ramp-${id}" .value=${String(settings.ramp ?? 0)}
                        @change=${e => this._setRamp(row.useCase, layer, e.target.value)}>
                    <span class="num" id="ramp-value-${id}">${settings.ramp ?? '—'}</span>
                    <span class="muted">${settings.rampSource.toLowerCase()}</span>
                </td>
                <td class="num" id="rate-${id}">${(rate.perSecond ?? 0).toFixed(1)}</td>
                <td class="num" id="hitrate-${id}">${rate.hitRate == null ? '—' : (rate.hitRate * 100).toFixed(0) + ' %'}</td>
                <td class="num" id="misses-${id}">${c.misses}</td>
                <td class="num" id="errors-${id}">${c.errors}</td>
                <td class="muted">${disabled.join(', ')}</td>
            </tr>`;
    }

    _setRamp(useCase, layer, value) {
        this.jsonRpc.setRamp({ useCase: useCase, layer: layer, ramp: parseInt(value) }).then(response => {
            this._rows = this._rows.map(r => r.useCase === useCase ? response.result : r);
            this._message = useCase + ' ' + layer + ' ramp set to ' + value + ' %';
        });
    }

    _invalidate() {
        const keyType = this.shadowRoot.getElementById('invalidate-key-type').value;
        const id = this.shadowRoot.getElementById('invalidate-id').value;
        if (!keyType || !id) {
            this._message = 'Enter a key type and an id';
            return;
        }
        this.jsonRpc.invalidate({ keyType: keyType, id: id }).then(response => {
            this._message = 'Invalidated ' + keyType + ' ' + id + (response.result ? '' : ' (LOCAL only: Redis was not written)');
        });
    }

    _flush() {
        if (!confirm('Remove every GCache entry from LOCAL on this instance and from Redis?')) {
            return;
        }
        this.jsonRpc.flushAll().then(() => this._message = 'Flushed');
    }
}

customElements.define('qwc-gcache-use-cases', QwcGcacheUseCases);
