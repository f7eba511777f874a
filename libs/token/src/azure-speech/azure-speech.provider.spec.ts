import { azureSpeechTarget } from './azure-speech.provider';

describe('azureSpeechTarget', () => {
  it('calls the regional endpoint of the region', () => {
    expect(azureSpeechTarget({ key: 'k', region: 'westeurope' })).toEqual({
      tokenUrl: 'https://westeurope.api.cognitive.microsoft.com/sts/v1.0/issueToken',
      region: 'westeurope',
    });
  });

  it('calls a resource endpoint when one is given, and tells browsers the region', () => {
    expect(azureSpeechTarget({ key: 'k', region: 'eastus', endpoint: 'https://my-speech.cognitiveservices.azure.com/' })).toEqual({
      tokenUrl: 'https://my-speech.cognitiveservices.azure.com/sts/v1.0/issueToken',
      region: 'eastus',
    });
  });

  it('reads the region from a regional endpoint, and takes a full issueToken URL as it is', () => {
    expect(azureSpeechTarget({ key: 'k', endpoint: 'https://usgovarizona.api.cognitive.microsoft.us/sts/v1.0/issueToken' })).toEqual({
      tokenUrl: 'https://usgovarizona.api.cognitive.microsoft.us/sts/v1.0/issueToken',
      region: 'usgovarizona',
    });
  });

  it('refuses an endpoint that names no region when no region is given: browsers need one', () => {
    expect(() => azureSpeechTarget({ key: 'k', endpoint: 'https://my-speech.cognitiveservices.azure.com' })).toThrow(/region/);
    expect(() => azureSpeechTarget({ key: 'k' })).toThrow(/region/);
  });
});
