import { css } from 'lit';
import { EchartsAbstractCanvas } from 'echarts/echarts-abstract-canvas.js';

/**
 * A small live line chart on the ECharts canvas the Dev UI ships (its abstract canvas handles sizing and theme).
 * Set {@code series} to [{ name, data: [[epochMillis, value], ...] }] and {@code unit} to the y axis label.
 */
class GcacheLineChart extends EchartsAbstractCanvas {

    static styles = css`
        :host { display: block; width: 100%; height: 170px; overflow: hidden; }
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
    }

    getOption() {
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
