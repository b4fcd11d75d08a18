import { LitElement, html, css } from 'lit';
import 'echarts/dist/echarts.min.js';

/**
 * A small live line chart. The Dev UI ships ECharts (the same import its own chart components use) but no line chart
 * component (pie, gauge, bars and a force graph only), so this wraps one ECharts line chart.
 * Set {@code series} to [{ name, data: [[epochMillis, value], ...] }] and {@code unit} to the y axis label.
 */
class GcacheLineChart extends LitElement {

    static styles = css`
        :host { display: block; width: 100%; height: 170px; }
        .chart { width: 100%; height: 100%; }
    `;

    static properties = {
        series: { attribute: false },
        unit: { type: String },
        max: { type: Number },
    };

    constructor() {
        super();
        this.series = [];
        this.unit = '';
        this.max = undefined;
        this._chart = null;
    }

    connectedCallback() {
        super.connectedCallback();
        this._resize = () => this._chart && this._chart.resize();
        window.addEventListener('resize', this._resize);
    }

    disconnectedCallback() {
        window.removeEventListener('resize', this._resize);
        if (this._chart) {
            this._chart.dispose();
            this._chart = null;
        }
        super.disconnectedCallback();
    }

    render() {
        return html`<div class="chart"></div>`;
    }

    firstUpdated() {
        this._chart = echarts.init(this.shadowRoot.querySelector('.chart'));
        this._chart.setOption(this._option());
    }

    updated() {
        if (this._chart) {
            this._chart.setOption(this._option());
        }
    }

    _option() {
        const color = getComputedStyle(this).getPropertyValue('--lumo-body-text-color') || '#444';
        return {
            animation: false,
            grid: { top: 28, left: 8, right: 12, bottom: 4, containLabel: true },
            legend: { top: 0, textStyle: { color } },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'time', axisLabel: { color, hideOverlap: true } },
            yAxis: { type: 'value', name: this.unit, min: 0, max: this.max, nameTextStyle: { color },
                axisLabel: { color } },
            series: (this.series || []).map(s => ({ name: s.name, type: 'line', showSymbol: false, data: s.data })),
        };
    }
}

customElements.define('gcache-line-chart', GcacheLineChart);
