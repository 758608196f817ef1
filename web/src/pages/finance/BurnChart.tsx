import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export interface Band {
  name: string;
  /** The threshold as the API sends it ("1.05"). */
  value: string;
  colour: string;
}

/**
 * The burn ratio by month as a line, the API's watch, warning and alarm thresholds as
 * horizontal lines. The chart only draws the API's figures; the table beside it holds them as text.
 */
export function BurnChart({ periods, ratios, bands, label }: { periods: string[]; ratios: string[]; bands: Band[]; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = echarts.init(element.current);
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 96, top: 24, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: periods },
      // The axis reaches past the highest band, so every band is drawn even while the ratio is low (a drawing scale only).
      yAxis: {
        type: 'value',
        min: 0,
        max: (extent: { max: number }) => Math.ceil(Math.max(extent.max, ...bands.map((b) => Number(b.value))) * 10 + 1) / 10,
      },
      series: [
        {
          type: 'line',
          name: label,
          data: ratios,
          symbolSize: 8,
          markLine: {
            symbol: 'none',
            label: { formatter: '{b} {c}', position: 'end' },
            data: bands.map((b) => ({ name: b.name, yAxis: b.value, lineStyle: { color: b.colour, type: 'dashed' } })),
          },
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [periods, ratios, bands, label]);
  return <div ref={element} role="img" aria-label={label} data-testid="burn-chart" style={{ width: '100%', height: 280 }} />;
}
