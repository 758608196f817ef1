/** Pooling above the county: county fund results, the city's gap sharing, the provincial adjustment fund. */
export { PoolingModule } from './pooling.module';
export { CityPoolingService } from './city-pooling.service';
export { ProvincialFundService } from './provincial-fund.service';
