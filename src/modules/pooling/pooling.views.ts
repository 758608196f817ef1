import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A county fund's year: the figures its books hold, what they come to, and the accumulated balance (SPEC §12). */
export class FundResultView {
  @ApiProperty() countyCode!: string;
  @ApiProperty() fundYear!: number;
  @ApiProperty({ description: 'F 当年统筹基金筹资总额' }) raisedTotal!: string;
  @ApiProperty({ description: '当期基金收入' }) income!: string;
  @ApiProperty({ description: '当期基金支出' }) expenditure!: string;
  @ApiProperty({ description: 'income − expenditure' }) result!: string;
  @ApiProperty() gap!: string;
  @ApiProperty() surplus!: string;
  @ApiProperty({ description: '年初累计结余' }) openingBalance!: string;
  @ApiProperty({ description: 'year-end accumulated balance: after the executed sharing, the opening one before' }) closingBalance!: string;
  @ApiProperty() transitionSubsidyDifference!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'F of the approved allocation of the year, when there is one' })
  allocationRaisedTotal!: string | null;
  @ApiProperty({ description: 'what the ledger paid into the community packages this year (credits of COMMUNITY_PACKAGE accounts)' })
  packagesFunded!: string;
  @ApiPropertyOptional({ type: 'number', nullable: true, description: 'the city-level sharing of this year, if computed' }) sharingId!:
    number | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) sharingState!: string | null;
  @ApiProperty() enteredBy!: string;
  @ApiProperty() version!: number;
}

export class PoolingTermsView {
  @ApiProperty() prefectureCode!: string;
  @ApiProperty() fundYear!: number;
  @ApiProperty({ description: 'false: the SPEC §12.1 defaults, not stored yet' }) stored!: boolean;
  @ApiProperty() cityShare!: string;
  @ApiProperty() cityFinanceShare!: string;
  @ApiProperty() cityFinanceCapRate!: string;
  @ApiProperty() priorGapCityShareCut!: string;
  @ApiProperty() priorGapCityFinanceFactor!: string;
  @ApiProperty() belowGoodCityShareCut!: string;
  @ApiProperty() transitionSurplusToCounty!: string;
  @ApiProperty() surplusToCounty!: string;
  @ApiProperty() transitionYear!: boolean;
  @ApiProperty({ description: '归集基金 at the start of the year' }) pooledFundOpening!: string;
  @ApiProperty({ description: 'the pooled fund now: the opening balance after the executed sharings' }) pooledFundBalance!: string;
  @ApiProperty() version!: number;
}

/** Who covers a county's gap, or where its surplus goes (every figure in yuan; those that do not apply are 0.00). */
export class SharingFiguresView {
  @ApiProperty() result!: string;
  @ApiProperty() gap!: string;
  @ApiProperty() surplus!: string;
  @ApiProperty() effectiveCityShare!: string;
  @ApiProperty() effectiveCityFinanceShare!: string;
  @ApiProperty() transitionDifferenceCovered!: string;
  @ApiProperty() sharedGap!: string;
  @ApiProperty({ description: '归集基金 part' }) cityPart!: string;
  @ApiProperty() countyPart!: string;
  @ApiProperty() countyPartFromBalance!: string;
  @ApiProperty() countyPartFromSubsidy!: string;
  @ApiProperty() poolPays!: string;
  @ApiProperty() unpaid!: string;
  @ApiProperty() cityFinanceBeforeCap!: string;
  @ApiProperty() cityFinanceCap!: string;
  @ApiProperty() capCutOff!: string;
  @ApiProperty({ description: '市财政' }) cityFinance!: string;
  @ApiProperty({ description: '缺口地财政' }) countyFinance!: string;
  @ApiProperty() surplusToCountyBalance!: string;
  @ApiProperty() surplusToPooledFund!: string;
}

export class SharingInputsView {
  @ApiProperty() raisedTotal!: string;
  @ApiProperty() income!: string;
  @ApiProperty() expenditure!: string;
  @ApiProperty() accumulatedBalance!: string;
  @ApiProperty() pooledFundBalance!: string;
  @ApiProperty() gapLastYear!: boolean;
  @ApiProperty() assessmentBelowGood!: boolean;
  @ApiProperty() transitionYear!: boolean;
  @ApiProperty() transitionSubsidyDifference!: string;
  @ApiProperty({ description: 'the terms version it was computed with' }) termsVersion!: number;
}

export class SharingView {
  @ApiProperty() id!: number;
  @ApiProperty() prefectureCode!: string;
  @ApiProperty() countyCode!: string;
  @ApiProperty() fundYear!: number;
  @ApiProperty({ enum: ['COMPUTED', 'CONFIRMED', 'EXECUTED'] }) state!: string;
  @ApiProperty({ type: [String] }) allowedActions!: string[];
  @ApiProperty({ type: SharingInputsView }) inputs!: SharingInputsView;
  @ApiProperty({ type: SharingFiguresView }) figures!: SharingFiguresView;
  @ApiProperty() computedBy!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) confirmedBy!: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) executedBy!: string | null;
  @ApiProperty() version!: number;
}

export class FundRegionView {
  @ApiProperty() code!: string;
  @ApiProperty() income!: string;
  @ApiProperty() insured!: string;
  @ApiProperty() collectionRate!: string;
  @ApiProperty() assessmentScore!: string;
  @ApiProperty({ description: '上缴' }) contribution!: string;
  @ApiProperty({ description: 'insured × collection rate' }) distributionWeight!: string;
  @ApiProperty({ description: '拨付' }) received!: string;
  @ApiProperty({ description: 'received − contribution' }) net!: string;
  @ApiProperty() cap!: string;
  @ApiProperty({ description: '返还' }) returned!: string;
  @ApiProperty({ description: '留存 into the provincial risk fund' }) withheld!: string;
  @ApiProperty() netAfterCaps!: string;
  @ApiProperty({ description: '集中 5%' }) held!: string;
  @ApiProperty({ description: '年终二次分配' }) secondDistribution!: string;
  @ApiProperty() finalNet!: string;
}

export class ProvincialFundView {
  @ApiProperty() id!: number;
  @ApiProperty() provinceCode!: string;
  @ApiProperty() fundYear!: number;
  @ApiProperty({ enum: ['DRAFTED', 'APPROVED', 'POSTED'] }) state!: string;
  @ApiProperty({ type: [String] }) allowedActions!: string[];
  @ApiProperty() contributionRate!: string;
  @ApiProperty() contributorCap!: string;
  @ApiProperty() recipientCap!: string;
  @ApiProperty() secondDistributionRate!: string;
  @ApiProperty({ type: [FundRegionView], description: 'a prefecture reader sees its own region only' }) regions!: FundRegionView[];
  @ApiProperty() totalContributions!: string;
  @ApiProperty() totalReturned!: string;
  @ApiProperty() totalWithheld!: string;
  @ApiProperty() provincialRiskFundChange!: string;
  @ApiProperty() totalHeld!: string;
  @ApiProperty() draftedBy!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) approvedBy!: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true }) postedBy!: string | null;
  @ApiProperty() version!: number;
}
